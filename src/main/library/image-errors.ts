/** Turns sharp's and ExifTool's wording into a sentence a photographer can act on. */
export function describeImageError(error: unknown, consequence = 'so no thumbnail was made'): string {
  const message = error instanceof Error ? error.message : String(error);
  if (/exceeds pixel limit/i.test(message)) {
    return `The image is too large to open safely (it claims more pixels than the decompression limit), ${consequence}.`;
  }
  if (/premature end|truncated|not enough data|unexpected end|read error|short read/i.test(message)) {
    return `The image data is incomplete (the file looks truncated), ${consequence}.`;
  }
  if (/unsupported image format|bad seek|unknown|no decoder|compression format has not been built in/i.test(message)) {
    return `The image is in a format or encoding Captionist cannot decode here, ${consequence}.`;
  }
  if (/binary data|no such tag|not found/i.test(message)) {
    return `This RAW file has no usable embedded preview, ${consequence}.`;
  }
  return `The image data is damaged, ${consequence}.`;
}
