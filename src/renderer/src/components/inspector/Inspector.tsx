import { useId, useRef, type KeyboardEvent } from 'react';
import { embeddedTextShown } from '../../../../shared/placeholders';
import { CaptionEditor } from './CaptionEditor';
import type { SimilarTo } from '../../lib/results-query';
import { CaptionHistory } from './CaptionHistory';
import { FindSimilar } from './FindSimilar';
import { EmbeddedText, InspectorHeader, PhotoFactsList, PhotoPreview } from './InspectorParts';
import { RegenerateCaption } from './RegenerateCaption';
import { useCaptionEdits } from './use-caption-edits';
import { useInspectorKeys } from './use-inspector-keys';
import { usePhotoDetail } from './use-photo-detail';
import './inspector.css';

export interface InspectorProps {
  photoId: number;
  onClose(): void;
  onFindSimilar(photo: SimilarTo): void;
}

export function Inspector({ photoId, onClose, onFindSimilar }: InspectorProps) {
  const ids = useId();
  const asideRef = useRef<HTMLElement>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const photo = usePhotoDetail(photoId);
  const edits = useCaptionEdits(photoId, photo);
  useInspectorKeys(asideRef, headingRef, {
    photoId,
    dirty: edits.dirty,
    onClose,
    onCloseRefused: () =>
      edits.setFeedback({ kind: 'error', text: 'Save or undo your edits first; Escape does not close the inspector while you edit.' }),
  });
  const { shown, loadError } = photo;
  const { form } = edits;

  if (!shown || !form) {
    return (
      <aside aria-label="Inspector" className="inspector" ref={asideRef}>
        <InspectorHeader fileName={null} onClose={onClose} headingRef={headingRef} />
        <p role={loadError ? 'alert' : 'status'} className={loadError ? 'inspector-error' : 'inspector-muted'}>
          {loadError ?? 'Loading…'}
        </p>
      </aside>
    );
  }

  const onKeyDown = (event: KeyboardEvent) => {
    if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 's') {
      event.preventDefault();
      void edits.save();
    }
  };

  return (
    <aside aria-label="Inspector" className="inspector" ref={asideRef} onKeyDown={onKeyDown}>
      <InspectorHeader fileName={shown.fileName} onClose={onClose} headingRef={headingRef} />
      <PhotoPreview photo={shown} />
      <section className="inspector-section" aria-labelledby={`${ids}-facts`}>
        <h3 id={`${ids}-facts`}>File</h3>
        <PhotoFactsList photo={shown} />
        <FindSimilar photo={{ photoId: shown.id, fileName: shown.fileName }} onFindSimilar={onFindSimilar} />
      </section>
      <section className="inspector-section" aria-labelledby={`${ids}-embedded`}>
        <h3 id={`${ids}-embedded`}>In the file</h3>
        <EmbeddedText embedded={embeddedTextShown(shown.embedded, shown.fileName)} />
      </section>
      <CaptionEditor form={form} edits={edits} versions={shown.versions} />
      <RegenerateCaption photoId={shown.id} path={shown.path} onFinished={photo.reloadIfStillShown} />
      <CaptionHistory key={shown.id} versions={shown.versions} onUse={edits.takeUpVersion} />
    </aside>
  );
}
