import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { api } from '../api';
import { formatTime } from '../format';
import type { CaseView } from '../types';
import { ErrorNotice } from './ErrorNotice';

/** The case's comments and second-opinion requests, a comment form, and "Ask for a second opinion". */
export function Comments({ caseId, comments }: { readonly caseId: number; readonly comments: CaseView['comments'] }) {
  const queryClient = useQueryClient();
  const [text, setText] = useState('');
  const [reason, setReason] = useState('');
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['case', caseId] });
  const comment = useMutation({
    mutationFn: () => api.comment(caseId, text.trim()),
    onSuccess: () => {
      setText('');
      void refresh();
    },
  });
  const secondOpinion = useMutation({
    mutationFn: () => api.secondOpinion(caseId, reason.trim()),
    onSuccess: () => {
      setReason('');
      void refresh();
    },
  });
  const submitComment = (event: FormEvent) => {
    event.preventDefault();
    if (text.trim() !== '') comment.mutate();
  };
  const submitSecondOpinion = (event: FormEvent) => {
    event.preventDefault();
    if (reason.trim() !== '') secondOpinion.mutate();
  };

  return (
    <div data-testid="comments">
      {comments.length === 0 ? (
        <p className="muted">No comments yet.</p>
      ) : (
        <ol className="plain comments">
          {comments.map((entry) => (
            <li key={entry.id} className={entry.kind === 'second_opinion' ? 'second-opinion' : ''}>
              <p className="meta">
                <strong>{entry.author}</strong> · <time dateTime={entry.time}>{formatTime(entry.time)}</time>
                {entry.kind === 'second_opinion' && <span className="tag">second opinion requested</span>}
              </p>
              <p>{entry.text}</p>
            </li>
          ))}
        </ol>
      )}
      <form onSubmit={submitComment} className="stacked">
        <label htmlFor="comment-text">Add a comment</label>
        <textarea
          id="comment-text"
          rows={2}
          value={text}
          maxLength={4000}
          onChange={(event) => setText(event.target.value)}
          data-testid="comment-text"
        />
        <button type="submit" disabled={comment.isPending || text.trim() === ''} data-testid="comment-submit">
          Add comment
        </button>
        <ErrorNotice error={comment.error} />
      </form>
      <form onSubmit={submitSecondOpinion} className="stacked">
        <label htmlFor="second-opinion-reason">Ask for a second opinion: why?</label>
        <input
          id="second-opinion-reason"
          value={reason}
          maxLength={1000}
          onChange={(event) => setReason(event.target.value)}
          data-testid="second-opinion-reason"
        />
        <button
          type="submit"
          disabled={secondOpinion.isPending || reason.trim() === ''}
          data-testid="second-opinion-submit"
        >
          Ask for a second opinion
        </button>
        {secondOpinion.isSuccess && <p role="status">Second opinion requested.</p>}
        <ErrorNotice error={secondOpinion.error} />
      </form>
    </div>
  );
}
