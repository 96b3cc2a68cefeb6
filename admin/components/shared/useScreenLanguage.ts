import { useEffect } from 'react';
import { useTranslation } from 'adminjs';

/**
 * One language on screen: tells the server which language the admin reads (the `seahorse_lang`
 * cookie, so refusals come back in it) and replaces the select boxes' built-in English
 * placeholder ("Select...", which AdminJS does not translate) with the screen's word.
 */
export function useScreenLanguage(): void {
  const { i18n, translateMessage } = useTranslation();
  const lang = i18n.language;
  useEffect(() => {
    document.cookie = `seahorse_lang=${lang === 'en' ? 'en' : 'zh-CN'}; path=/; max-age=31536000; samesite=lax`;
    const word = translateMessage('selectPlaceholder');
    const fix = () => {
      for (const el of Array.from(document.querySelectorAll('[class*="placeholder"]'))) {
        if (el.childElementCount === 0 && el.textContent === 'Select...' && word !== 'selectPlaceholder') el.textContent = word;
      }
    };
    fix();
    const observer = new MutationObserver(fix);
    observer.observe(document.body, { childList: true, subtree: true });
    return () => observer.disconnect();
  }, [lang, translateMessage]);
}
