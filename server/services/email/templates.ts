/**
 * Email templates: plain functions returning subject, text and HTML (zh-CN by default).
 * A later issue adds one function here and passes `template: '<name>'` to sendEmail so the
 * outbox shows which template produced a message.
 */
export interface RenderedEmail {
  template: string;
  subject: string;
  text: string;
  html: string;
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** A plain layout: a title and paragraphs, the same text in both parts. */
export function simpleEmail(template: string, subject: string, paragraphs: string[]): RenderedEmail {
  return {
    template,
    subject,
    text: paragraphs.join('\n\n'),
    html: `<!doctype html><html lang="zh-CN"><body style="font-family:sans-serif;line-height:1.6">${paragraphs
      .map((p) => `<p>${escapeHtml(p)}</p>`)
      .join('')}<p style="color:#888">— Seahorse</p></body></html>`,
  };
}

export function testEmail(siteName: string): RenderedEmail {
  return simpleEmail('test', `${siteName} 测试邮件`, [
    '您好：',
    `这是一封来自 ${siteName} 的测试邮件。收到它说明邮件发送配置正确。`,
    `发送时间：${new Date().toISOString()}`,
  ]);
}
