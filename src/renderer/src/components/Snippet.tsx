import type { Snippet as SnippetParts } from '../../../shared/domain';

/** Text around a search match, the matched words in <mark>; always rendered as text, never as HTML. */
export function Snippet({ parts, id, className }: { parts: SnippetParts; id?: string; className?: string }) {
  return (
    <span id={id} className={className}>
      {parts.map((part, index) => (part.match ? <mark key={index}>{part.text}</mark> : <span key={index}>{part.text}</span>))}
    </span>
  );
}
