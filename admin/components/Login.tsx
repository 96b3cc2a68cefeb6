import React, { useCallback, useEffect, useRef, useState } from 'react';
import { Box, Button, FormGroup, H2, H5, Input, Label, MessageBox, Text } from '@adminjs/design-system';
import { useTranslation } from 'adminjs';

interface LoginState {
  action: string;
  errorMessage?: string | null;
}

/** The username of the last submit (this tab only), so the refused page can fill it in again and ask about its captcha. */
const LAST_USERNAME = 'seahorse.login.username';

/** null when the browser keeps no session storage or nothing was stored. */
function lastUsernameStored(): string | null {
  try {
    return window.sessionStorage.getItem(LAST_USERNAME);
  } catch {
    return null;
  }
}

function rememberUsername(username: string): void {
  try {
    window.sessionStorage.setItem(LAST_USERNAME, username);
  } catch {
    // No session storage: the refused page then offers the captcha after any refusal.
  }
}

/**
 * Asks the server whether the next attempt for `username` needs the captcha. AdminJS gives this page
 * only the refusal's text, which does not say whether the captcha is due, so the page asks
 * `/auth/login-captcha`, which reads the same failure counter as the login check (null: no answer).
 */
async function captchaRequiredFor(username: string): Promise<boolean | null> {
  try {
    const res = await fetch('/auth/login-captcha', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ username }).toString(),
    });
    return res.ok ? ((await res.json()) as { captchaRequired: boolean }).captchaRequired === true : null;
  } catch {
    return null;
  }
}

/**
 * AdminJS's login page plus what identity needs: an image captcha exactly when the server will ask for
 * it (from the `security.login_captcha_after`+1-th consecutive failure of the username, checked once),
 * and links to agent registration and password recovery.
 */
const Login: React.FC = () => {
  const { action, errorMessage: message } = ((window as unknown as { __APP_STATE__?: LoginState }).__APP_STATE__ ?? { action: '/admin/login' }) as LoginState;
  const { translateComponent, translateMessage, i18n } = useTranslation();
  // Before login nothing else says which language the reader wants: the other language is one click away.
  const other = i18n.language === 'en' ? 'zh-CN' : 'en';
  const switchLanguage = (event: React.MouseEvent) => {
    event.preventDefault();
    document.cookie = `seahorse_lang=${other}; path=/; max-age=31536000; samesite=lax`;
    window.location.reload();
  };
  const companyName = (window as unknown as { REDUX_STATE?: { branding?: { companyName?: string } } }).REDUX_STATE?.branding?.companyName;
  const [captcha, setCaptcha] = useState<{ id: string; svg: string } | null>(null);
  // Only a refused submit brings the username back; a fresh visit starts empty.
  const [stored] = useState(() => (message ? lastUsernameStored() : ''));
  const lastUsername = stored ?? '';
  /**
   * Whether the next attempt for the name in the field needs the captcha; null while the first answer
   * is awaited. A refused page that cannot know the submitted name offers it (as before this check).
   */
  const [required, setRequired] = useState<boolean | null>(stored === null ? true : stored ? null : false);
  const asked = useRef('');

  const loadCaptcha = useCallback(() => {
    fetch('/auth/captcha', { credentials: 'same-origin' })
      .then((res) => (res.ok ? res.json() : null))
      .then((data: { id: string; svg: string } | null) => setCaptcha(data))
      .catch(() => setCaptcha(null));
  }, []);

  const checkUsername = useCallback(
    (username: string) => {
      const name = username.trim();
      asked.current = name;
      if (!name) return;
      void captchaRequiredFor(name).then((answer) => {
        // Without an answer (network, limit), a refused page offers the captcha rather than risk a refusal for its absence.
        if (asked.current === name) setRequired(answer ?? Boolean(message));
      });
    },
    [message],
  );

  useEffect(() => {
    if (lastUsername) checkUsername(lastUsername);
  }, [lastUsername, checkUsername]);
  useEffect(() => {
    if (required) loadCaptcha();
    else setCaptcha(null);
  }, [required, loadCaptcha]);
  const captchaState = required === null || (required && !captcha) ? 'checking' : required ? 'shown' : 'none';

  return (
    <Box flex variant="grey" style={{ alignItems: 'center', justifyContent: 'center', flexDirection: 'column', minHeight: '100vh' }}>
      <Box bg="white" flex boxShadow="login" width={[1, 2 / 3, 'auto']}>
        <Box bg="primary100" color="white" p="x3" width="380px" flexGrow={0} display={['none', 'none', 'block']}>
          <H2 fontWeight="lighter">{translateComponent('Login.welcomeHeader')}</H2>
          <Text fontWeight="lighter" mt="default">
            {translateComponent('Login.welcomeMessage')}
          </Text>
        </Box>
        <Box
          as="form"
          action={action}
          method="POST"
          p="x3"
          flexGrow={1}
          width={['100%', '100%', '480px']}
          data-captcha={captchaState}
          onSubmit={(event: React.FormEvent<HTMLFormElement>) => {
            const field = event.currentTarget.elements.namedItem('email');
            if (field instanceof HTMLInputElement) rememberUsername(field.value.trim());
          }}
        >
          <Box flex marginBottom="xxl" style={{ justifyContent: 'space-between', alignItems: 'baseline' }}>
            <H5>{companyName ?? translateComponent('Login.welcomeHeader')}</H5>
            {/* The other language's own name, marked as written in it. */}
            <a href={`?lang=${other}`} lang={other} onClick={switchLanguage} data-testid="login-language" data-own-language>
              {other === 'en' ? 'English' : '简体中文'}
            </a>
          </Box>
          {message && <MessageBox my="lg" message={message.split(' ').length > 1 || /[^\x00-\x7f]/.test(message) ? message : translateMessage(message)} variant="danger" data-testid="login-message" />}
          <FormGroup>
            <Label required>{translateComponent('Login.properties.email')}</Label>
            <Input
              name="email"
              autoComplete="username"
              defaultValue={lastUsername}
              placeholder={translateComponent('Login.properties.email')}
              onBlur={(event: React.FocusEvent<HTMLInputElement>) => {
                if (event.target.value.trim() !== asked.current) checkUsername(event.target.value);
              }}
            />
          </FormGroup>
          <FormGroup>
            <Label required>{translateComponent('Login.properties.password')}</Label>
            <Input type="password" name="password" autoComplete="current-password" placeholder={translateComponent('Login.properties.password')} />
          </FormGroup>
          {required && captcha && (
            <FormGroup>
              <Label>{translateComponent('Login.captcha')}</Label>
              <input type="hidden" name="captchaId" value={captcha.id} />
              <Box flex style={{ alignItems: 'center', gap: 12 }}>
                <Input name="captchaAnswer" autoComplete="off" maxLength={8} style={{ flex: 1 }} data-testid="login-captcha" />
                <span dangerouslySetInnerHTML={{ __html: captcha.svg }} />
                <a
                  href="#"
                  role="button"
                  onClick={(event) => {
                    event.preventDefault();
                    loadCaptcha();
                  }}
                >
                  {translateComponent('Login.captchaRefresh')}
                </a>
              </Box>
              <Text variant="sm" color="grey60" mt="sm">
                {translateComponent('Login.captchaHint')}
              </Text>
            </FormGroup>
          )}
          <Text mt="xl" textAlign="center">
            <Button variant="contained" type="submit">
              {translateComponent('Login.loginButton')}
            </Button>
          </Text>
          <Box flex mt="xl" style={{ justifyContent: 'space-between' }}>
            <a href="/auth/forgot">{translateComponent('Login.forgotPassword')}</a>
            <a href="/auth/register">{translateComponent('Login.registerAgent')}</a>
          </Box>
        </Box>
      </Box>
    </Box>
  );
};

export default Login;
