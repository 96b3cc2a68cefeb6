import type { Lang } from '../../services/identity/format.js';

export const escapeHtml = (s: unknown): string =>
  String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** Raw HTML that page helpers built from escaped parts. */
export class Html {
  constructor(readonly value: string) {}
}
export const html = (value: string) => new Html(value);

// The AdminJS default theme: primary #3040D6, grey text, white card on a light background.
const CSS = `
*{box-sizing:border-box}
body{margin:0;min-height:100vh;background:#f6f7fb;color:#454655;font:14px/1.6 Roboto,"PingFang SC","Microsoft YaHei",system-ui,sans-serif;display:flex;flex-direction:column;align-items:center}
.top{width:100%;display:flex;justify-content:space-between;align-items:center;padding:12px 24px;background:#fff;border-bottom:1px solid #eeeeef}
.brand{font-weight:700;color:#3040d6;font-size:18px;text-decoration:none}
.langs a{color:#898a9a;margin-left:12px;text-decoration:none}.langs a.on{color:#3040d6;font-weight:600}
.card{width:100%;max-width:440px;margin:48px 16px;background:#fff;border-radius:4px;box-shadow:0 4px 14px rgba(56,65,91,.12);padding:32px 36px}
h1{font-size:22px;font-weight:400;color:#0c1e29;margin:0 0 8px}
p.lead{color:#898a9a;margin:0 0 20px}
label{display:block;font-weight:500;margin:14px 0 6px;color:#454655}
input[type=text],input[type=email],input[type=password]{width:100%;padding:9px 12px;border:1px solid #c0c0ca;border-radius:2px;font-size:14px;color:#0c1e29;background:#fff}
input:focus{outline:none;border-color:#3040d6;box-shadow:0 0 0 2px rgba(48,64,214,.15)}
.hint{color:#898a9a;font-size:12px;margin-top:4px}
.captcha{display:flex;gap:12px;align-items:center}.captcha input{flex:1}.captcha svg{border:1px solid #eeeeef;border-radius:2px;flex:none}
button{margin-top:22px;width:100%;padding:10px 16px;background:#3040d6;color:#fff;border:0;border-radius:2px;font-size:14px;cursor:pointer}
button:hover{background:#4268f6}
.alert{padding:10px 14px;border-radius:2px;margin:0 0 16px;border-left:4px solid}
.alert.error{background:#ffe7e5;border-color:#c20012;color:#7a0009}
.alert.ok{background:#e3f7ec;border-color:#007d4a;color:#005c36}
.links{margin-top:20px;display:flex;justify-content:space-between;flex-wrap:wrap;gap:8px}
.links a,a.plain{color:#3040d6;text-decoration:none}
hr{border:0;border-top:1px solid #eeeeef;margin:24px 0}
`;

export interface PageProps {
  lang: Lang;
  title: string;
  body: Html;
  /** Path of this page without the lang parameter, for the language switch. */
  path: string;
  brand: string;
}

export function page(p: PageProps): string {
  const sep = p.path.includes('?') ? '&' : '?';
  const langLink = (l: Lang, label: string) =>
    `<a href="${escapeHtml(`${p.path}${sep}lang=${l}`)}"${p.lang === l ? ' class="on"' : ''} hreflang="${l}">${label}</a>`;
  return `<!doctype html>
<html lang="${p.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="referrer" content="no-referrer">
<link rel="icon" href="data:,">
<title>${escapeHtml(p.title)} · ${escapeHtml(p.brand)}</title>
<style>${CSS}</style>
</head>
<body>
<header class="top"><a class="brand" href="/admin">${escapeHtml(p.brand)}</a><nav class="langs">${langLink('zh-CN', '中文')}${langLink('en', 'English')}</nav></header>
<main class="card">
<h1>${escapeHtml(p.title)}</h1>
${p.body.value}
</main>
</body>
</html>`;
}

export const alert = (kind: 'error' | 'ok', text: string | undefined) =>
  text ? `<div class="alert ${kind}" role="${kind === 'error' ? 'alert' : 'status'}">${escapeHtml(text)}</div>` : '';

export function field(p: { name: string; label: string; type?: string; value?: string; hint?: string; autocomplete?: string; required?: boolean }): string {
  return `<label for="${p.name}">${escapeHtml(p.label)}</label><input id="${p.name}" name="${p.name}" type="${p.type ?? 'text'}"${
    p.value !== undefined ? ` value="${escapeHtml(p.value)}"` : ''
  }${p.autocomplete ? ` autocomplete="${p.autocomplete}"` : ''}${p.required === false ? '' : ' required'}>${p.hint ? `<div class="hint">${escapeHtml(p.hint)}</div>` : ''}`;
}

/** The captcha image inline (works without JavaScript) plus its id; reloading the page gives a new one. */
export function captchaField(p: { id: string; svg: string; label: string; refresh: string; refreshHref: string }): string {
  return `<label for="captchaAnswer">${escapeHtml(p.label)}</label><div class="captcha"><input id="captchaAnswer" name="captchaAnswer" type="text" autocomplete="off" required maxlength="8">${p.svg}</div>
<input type="hidden" name="captchaId" value="${escapeHtml(p.id)}"><div class="hint"><a class="plain" href="${escapeHtml(p.refreshHref)}">${escapeHtml(p.refresh)}</a></div>`;
}
