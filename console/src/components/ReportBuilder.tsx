import { useMutation } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { api } from '../api';
import type { ReportResult } from '../types';
import { ErrorNotice } from './ErrorNotice';

/**
 * A payments case's report: builds the goAML or FinCEN XML on the server, shows its validation
 * result, and offers the XML as a download made in the browser (a Blob URL, revoked on leaving).
 */
export function ReportBuilder({ caseId }: { readonly caseId: number }) {
  const [format, setFormat] = useState<'goaml' | 'fincen'>('goaml');
  const [download, setDownload] = useState<string | null>(null);
  const build = useMutation({
    mutationFn: () => api.buildReport(caseId, format),
    onSuccess: (report: ReportResult) => {
      setDownload((previous) => {
        if (previous !== null) URL.revokeObjectURL(previous);
        return URL.createObjectURL(new Blob([report.xml], { type: 'application/xml' }));
      });
    },
  });
  useEffect(
    () => () => {
      if (download !== null) URL.revokeObjectURL(download);
    },
    [download],
  );
  const report = build.data;

  return (
    <div data-testid="report-builder">
      <fieldset className="inline">
        <legend>Report format</legend>
        <label>
          <input type="radio" name="report-format" checked={format === 'goaml'} onChange={() => setFormat('goaml')} />{' '}
          goAML
        </label>
        <label>
          <input type="radio" name="report-format" checked={format === 'fincen'} onChange={() => setFormat('fincen')} />{' '}
          FinCEN
        </label>
      </fieldset>
      <button type="button" onClick={() => build.mutate()} disabled={build.isPending} data-testid="build-report">
        Build {format === 'goaml' ? 'goAML' : 'FinCEN'} report
      </button>
      <ErrorNotice error={build.error} />
      {report !== undefined && (
        <div role="status" data-testid="report-result">
          {report.validation.ok ? (
            <p className="notice ok" data-testid="report-valid">
              The report is valid.
            </p>
          ) : (
            <div className="notice warn" data-testid="report-problems">
              <p>The report has problems to fix before filing:</p>
              <ul>
                {report.validation.problems.map((problem) => (
                  <li key={problem}>{problem}</li>
                ))}
              </ul>
            </div>
          )}
          {download !== null && (
            <a href={download} download={report.filename} className="button" data-testid="report-download">
              Download {report.filename}
            </a>
          )}
        </div>
      )}
    </div>
  );
}
