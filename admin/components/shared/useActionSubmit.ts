import { useState } from 'react';
import { ApiClient, useNotice, useTranslation, type ActionProps } from 'adminjs';

const api = new ApiClient();

/** What our domain actions answer: a refusal (baseError / error notice), a notice, a redirect, or extras. */
export interface ActionAnswer {
  notice?: { message: string; type?: string };
  redirectUrl?: string;
  record?: { baseError?: { message?: string } };
  [extra: string]: unknown;
}

/**
 * POSTs a form to the current action (bulk, record or resource, whichever the page is for) and
 * turns the answer into UI state: the service's refusal message is shown as is, a success notice
 * is raised, then `onAnswer` may take over (return true) before the redirect is followed.
 * AdminJS calls component-less actions with GET, which never changes anything; forms POST here.
 */
export function useActionSubmit({ action, resource, record, records }: ActionProps) {
  const addNotice = useNotice();
  const { translateMessage } = useTranslation();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (data: FormData, onAnswer?: (answer: ActionAnswer) => boolean | void): Promise<void> => {
    setBusy(true);
    setError(null);
    try {
      const actionName = action.name;
      const response = records?.length
        ? await api.bulkAction({ resourceId: resource.id, recordIds: records.map((r) => r.id), actionName, data } as never)
        : record
          ? await api.recordAction({ resourceId: resource.id, recordId: record.id, actionName, data })
          : await api.resourceAction({ resourceId: resource.id, actionName, data });
      const answer = response.data as ActionAnswer;
      const failure = answer.record?.baseError?.message ?? (answer.notice?.type === 'error' ? answer.notice.message : null);
      if (failure) {
        setError(failure);
        return;
      }
      if (answer.notice) addNotice({ message: answer.notice.message, type: 'success' });
      if (onAnswer?.(answer)) return;
      if (answer.redirectUrl) window.location.assign(answer.redirectUrl);
    } catch {
      setError(translateMessage('requestFailed'));
    } finally {
      setBusy(false);
    }
  };

  return { submit, error, setError, busy };
}
