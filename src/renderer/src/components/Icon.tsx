const paths = {
  chevron: 'M6 4l4 4-4 4',
  plus: 'M8 3v10M3 8h10',
  gear: 'M8 5.5a2.5 2.5 0 1 0 0 5 2.5 2.5 0 0 0 0-5zM8 1.5v2M8 12.5v2M1.5 8h2M12.5 8h2M3.4 3.4l1.4 1.4M11.2 11.2l1.4 1.4M3.4 12.6l1.4-1.4M11.2 4.8l1.4-1.4',
  filter: 'M2 3.5h12M4.5 8h7M7 12.5h2',
  close: 'M4 4l8 8M12 4l-8 8',
  pencil: 'M3 13l1-3.5L10.5 3 13 5.5 6.5 12zM9.5 4l2.5 2.5',
  trash: 'M3 4.5h10M6.5 4.5V3h3v1.5M4.5 4.5l.7 8.5h5.6l.7-8.5',
  album: 'M2.5 3.5h11v9h-11zM5 7l2 2 3-3',
  folder: 'M2 4.5V12.5h12V6H7.5L6 4.5z',
} as const;

export type IconName = keyof typeof paths;

/** A small line icon; decorative, so hidden from assistive technology (the button says what it does). */
export function Icon({ name, className }: { name: IconName; className?: string }) {
  return (
    <svg
      className={className ? `icon ${className}` : 'icon'}
      viewBox="0 0 16 16"
      width="16"
      height="16"
      aria-hidden="true"
      focusable="false"
    >
      <path d={paths[name]} fill="none" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" strokeLinejoin="round" />
    </svg>
  );
}
