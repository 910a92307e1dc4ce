import { dataCredits } from '../../../../shared/credits';

/** About Captionist: the data it ships and the credit their licences ask for. */
export function AboutSettings() {
  return (
    <section className="settings-form" aria-label="About Captionist">
      <h3>Data credits</h3>
      {dataCredits.map((credit) => (
        <article key={credit.name} aria-label={credit.name}>
          <h4>
            {credit.name}: {credit.usedFor}
          </h4>
          <p>{credit.text}</p>
          <p className="settings-hint">
            <a href={credit.sourceUrl} target="_blank" rel="noreferrer">
              {credit.sourceUrl}
            </a>{' '}
            · Licence:{' '}
            <a href={credit.licenceUrl} target="_blank" rel="noreferrer">
              {credit.licence}
            </a>
          </p>
        </article>
      ))}
    </section>
  );
}
