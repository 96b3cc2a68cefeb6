import { Select, SelectAsync } from '@adminjs/design-system';
import { useEffect } from 'react';
import { useTranslation } from 'adminjs';

type WithDefaults = { defaultProps?: Record<string, unknown> };

/**
 * One language on screen. Tells the server which language the admin reads (the `seahorse_lang`
 * cookie: pages, refusals and notices come back in it), and gives the design system's select
 * boxes — AdminJS's filters, pickers and forms as well as ours — their words in that language:
 * react-select's own "Select...", "No options" and "Loading..." are English and AdminJS passes
 * none of its own, so they become the selects' default props (set while rendering, before the
 * page's selects render; a switch of language renders them again).
 */
export function useScreenLanguage(): void {
  const { i18n, translateMessage } = useTranslation();
  const lang = i18n.language;
  const words = {
    placeholder: translateMessage('selectPlaceholder'),
    noOptionsMessage: () => translateMessage('selectNoOptions'),
    loadingMessage: () => translateMessage('selectLoading'),
  };
  for (const select of [Select, SelectAsync] as WithDefaults[]) select.defaultProps = { ...select.defaultProps, ...words };
  useEffect(() => {
    document.cookie = `seahorse_lang=${lang === 'en' ? 'en' : 'zh-CN'}; path=/; max-age=31536000; samesite=lax`;
  }, [lang]);
}
