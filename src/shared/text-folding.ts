/** Letters that Unicode does not decompose into a base letter and an accent. */
const lettersWithoutDecomposition: Record<string, string> = {
  ø: 'o', Ø: 'O', æ: 'ae', Æ: 'AE', œ: 'oe', Œ: 'OE', ß: 'ss', ð: 'd', Ð: 'D', þ: 'th', Þ: 'Th',
  ł: 'l', Ł: 'L', đ: 'd', Đ: 'D', ı: 'i', ħ: 'h', Ħ: 'H',
};

/** Text without accents, case kept, as someone types it on an English keyboard ("Þórshöfn" -> "Thorshofn"). */
export function asciiFold(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/[øØæÆœŒßðÐþÞłŁđĐıħĦ]/g, (letter) => lettersWithoutDecomposition[letter]!);
}
