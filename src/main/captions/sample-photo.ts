/**
 * The picture `provider test` sends: drawn here rather than shipped as a file, so every build has
 * it. A plain scene any vision model can describe: a red house with a door and windows on a green
 * hill, a yellow sun and a white cloud in a blue sky.
 */
export const samplePhotoSvg = `<svg xmlns="http://www.w3.org/2000/svg" width="768" height="512" viewBox="0 0 768 512">
  <defs>
    <linearGradient id="sky" x1="0" y1="0" x2="0" y2="1">
      <stop offset="0" stop-color="#3b82c4"/>
      <stop offset="1" stop-color="#a9d4f5"/>
    </linearGradient>
  </defs>
  <rect width="768" height="512" fill="url(#sky)"/>
  <circle cx="640" cy="96" r="52" fill="#ffd43b"/>
  <g fill="#ffffff">
    <ellipse cx="190" cy="92" rx="70" ry="28"/>
    <ellipse cx="240" cy="78" rx="50" ry="30"/>
    <ellipse cx="140" cy="84" rx="40" ry="22"/>
  </g>
  <path d="M0 360 Q 200 280 400 340 T 768 320 L 768 512 L 0 512 Z" fill="#4caf50"/>
  <path d="M0 420 Q 260 370 520 420 T 768 410 L 768 512 L 0 512 Z" fill="#388e3c"/>
  <rect x="300" y="250" width="170" height="120" fill="#c62828"/>
  <polygon points="285,255 385,180 485,255" fill="#5d4037"/>
  <rect x="366" y="300" width="38" height="70" fill="#6d4c41"/>
  <rect x="318" y="276" width="34" height="30" fill="#bbdefb" stroke="#ffffff" stroke-width="4"/>
  <rect x="420" y="276" width="34" height="30" fill="#bbdefb" stroke="#ffffff" stroke-width="4"/>
  <rect x="560" y="300" width="16" height="70" fill="#6d4c41"/>
  <circle cx="568" cy="282" r="42" fill="#2e7d32"/>
</svg>`;
