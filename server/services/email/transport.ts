import nodemailer, { type Transporter } from 'nodemailer';

const transports = new Map<string, Transporter>();

/**
 * One nodemailer transport per SMTP URL (the URL comes from config at send time). Short timeouts:
 * an attempt holds its message row locked, and a hung server must turn into a retry, not a stall.
 */
export function smtpTransport(url: string): Transporter {
  let t = transports.get(url);
  if (!t) {
    t = nodemailer.createTransport({ url, connectionTimeout: 15_000, greetingTimeout: 15_000, socketTimeout: 60_000 });
    transports.set(url, t);
  }
  return t;
}

export function closeSmtpTransports(): void {
  for (const t of transports.values()) t.close();
  transports.clear();
}
