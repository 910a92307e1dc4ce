import { useState } from 'react';
import type { VocabularyNode } from '../../../../shared/keyword-vocabulary';

/** The vocabulary as a tree of keywords, categories in [brackets] and synonyms in {braces}, each with how many keywords it holds. */
export function VocabularyTree({ tree }: { tree: readonly VocabularyNode[] }) {
  return (
    <ul className="vocabulary-tree" aria-label="Keyword vocabulary">
      {tree.map((node, index) => (
        <VocabularyBranch key={index} node={node} />
      ))}
    </ul>
  );
}

/** How many keywords sit under a keyword, at any depth. */
function keywordsUnder(node: VocabularyNode): number {
  return node.children.reduce((sum, child) => sum + 1 + keywordsUnder(child), 0);
}

/** One keyword; its children are drawn only once it is opened, so 50,000 keywords stay quick. */
function VocabularyBranch({ node }: { node: VocabularyNode }) {
  const [open, setOpen] = useState(false);
  const name = node.exported ? node.name : `[${node.name}]`;
  const synonyms = node.synonyms.length > 0 && <span className="vocabulary-synonyms"> {`{${node.synonyms.join(', ')}}`}</span>;
  if (!node.children.length) {
    return (
      <li>
        {name}
        {synonyms}
      </li>
    );
  }
  return (
    <li>
      <details open={open} onToggle={(event) => setOpen(event.currentTarget.open)}>
        <summary>
          {name}
          {synonyms} <span className="vocabulary-count">({keywordsUnder(node).toLocaleString('en-US')})</span>
        </summary>
        {open && (
          <ul>
            {node.children.map((child, index) => (
              <VocabularyBranch key={index} node={child} />
            ))}
          </ul>
        )}
      </details>
    </li>
  );
}
