import React, { useCallback, useEffect, useState } from 'react';
import { Box, Button, FormGroup, H2, H5, Input, Label, MessageBox, Text } from '@adminjs/design-system';
import { useTranslation } from 'adminjs';

interface LoginState {
  action: string;
  errorMessage?: string | null;
}

const TEXT = {
  'zh-CN': { captcha: '验证码', refresh: '换一张', forgot: '忘记密码？', register: '注册代理账号', captchaHint: '连续登录失败后需要输入验证码' },
  en: { captcha: 'Captcha', refresh: 'Another one', forgot: 'Forgot password?', register: 'Register as an agent', captchaHint: 'Required after repeated failed logins' },
};

/**
 * AdminJS's login page plus what identity needs: after a failed attempt the form carries an image
 * captcha (the server asks for it from the 4th consecutive failure and checks it once), and links
 * to agent registration and password recovery.
 */
const Login: React.FC = () => {
  const { action, errorMessage: message } = ((window as unknown as { __APP_STATE__?: LoginState }).__APP_STATE__ ?? { action: '/admin/login' }) as LoginState;
  const { translateComponent, translateMessage } = useTranslation();
  const companyName = (window as unknown as { REDUX_STATE?: { branding?: { companyName?: string } } }).REDUX_STATE?.branding?.companyName;
  const text = document.documentElement.lang === 'en' ? TEXT.en : TEXT['zh-CN'];
  const [captcha, setCaptcha] = useState<{ id: string; svg: string } | null>(null);

  const loadCaptcha = useCallback(() => {
    fetch('/auth/captcha', { credentials: 'same-origin' })
      .then((res) => (res.ok ? res.json() : null))
      .then((data: { id: string; svg: string } | null) => setCaptcha(data))
      .catch(() => setCaptcha(null));
  }, []);
  useEffect(() => {
    if (message) loadCaptcha();
  }, [message, loadCaptcha]);

  return (
    <Box flex variant="grey" style={{ alignItems: 'center', justifyContent: 'center', flexDirection: 'column', minHeight: '100vh' }}>
      <Box bg="white" flex boxShadow="login" width={[1, 2 / 3, 'auto']}>
        <Box bg="primary100" color="white" p="x3" width="380px" flexGrow={0} display={['none', 'none', 'block']}>
          <H2 fontWeight="lighter">{translateComponent('Login.welcomeHeader')}</H2>
          <Text fontWeight="lighter" mt="default">
            {translateComponent('Login.welcomeMessage')}
          </Text>
        </Box>
        <Box as="form" action={action} method="POST" p="x3" flexGrow={1} width={['100%', '100%', '480px']}>
          <H5 marginBottom="xxl">{companyName ?? translateComponent('Login.welcomeHeader')}</H5>
          {message && <MessageBox my="lg" message={message.split(' ').length > 1 || /[^\x00-\x7f]/.test(message) ? message : translateMessage(message)} variant="danger" />}
          <FormGroup>
            <Label required>{translateComponent('Login.properties.email')}</Label>
            <Input name="email" autoComplete="username" placeholder={translateComponent('Login.properties.email')} />
          </FormGroup>
          <FormGroup>
            <Label required>{translateComponent('Login.properties.password')}</Label>
            <Input type="password" name="password" autoComplete="current-password" placeholder={translateComponent('Login.properties.password')} />
          </FormGroup>
          {captcha && (
            <FormGroup>
              <Label>{text.captcha}</Label>
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
                  {text.refresh}
                </a>
              </Box>
              <Text variant="sm" color="grey60" mt="sm">
                {text.captchaHint}
              </Text>
            </FormGroup>
          )}
          <Text mt="xl" textAlign="center">
            <Button variant="contained" type="submit">
              {translateComponent('Login.loginButton')}
            </Button>
          </Text>
          <Box flex mt="xl" style={{ justifyContent: 'space-between' }}>
            <a href="/auth/forgot">{text.forgot}</a>
            <a href="/auth/register">{text.register}</a>
          </Box>
        </Box>
      </Box>
    </Box>
  );
};

export default Login;
