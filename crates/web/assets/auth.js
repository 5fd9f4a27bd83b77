// Log in, sign up (with store info), profile and logout.
import { api, get, post, put, saveToken, clearToken } from './api.js';
import { render, esc, field, validate, showApiError, toast, required, PASSWORD_RULE, EMAIL_RULE, PHONE_RULE } from './ui.js';

const hero = `<div class="auth-hero"><img class="logo" src="/assets/icon.svg" alt=""><h1>KT AI 이벤트 마케팅</h1>
<p class="muted">AI가 추천하는 이벤트를 몇 분 만에 만들고 여러 채널에 한 번에 알리세요.</p></div>`;

function afterLogin(session, remember) {
  saveToken(session.token, remember);
  const next = sessionStorage.getItem('kem.after-login') || '#/';
  sessionStorage.removeItem('kem.after-login');
  location.hash = next === '#/login' ? '#/' : next;
}

export function loginScreen() {
  const m = render(`${hero}<form class="card" id="login" novalidate aria-labelledby="login-title">
    <h2 id="login-title">로그인</h2>
    ${field('email', '이메일', { type: 'email', attrs: 'autocomplete="email" required' })}
    ${field('password', '비밀번호', { type: 'password', attrs: 'autocomplete="current-password" required' })}
    <div class="field check"><input id="remember" name="remember" type="checkbox"><label for="remember">로그인 상태 유지</label></div>
    <p class="error form-error" role="alert"></p>
    <button class="primary" type="submit">로그인</button>
    <p class="muted small">처음이신가요? <a href="#/signup">회원가입</a></p></form>`, '로그인');
  const form = m.querySelector('#login');
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (!validate(form, { email: EMAIL_RULE, password: required('비밀번호') })) return;
    const btn = form.querySelector('button[type=submit]');
    btn.disabled = true;
    try {
      const s = await post('/api/users/login', { email: form.email.value.trim(), password: form.password.value });
      afterLogin(s, form.remember.checked);
    } catch (err) {
      showApiError(form, err, { USER_004: 'password', USER_005: 'password' });
    } finally { btn.disabled = false; }
  });
}

const STORE_FIELDS = (p = {}) => `
  ${field('storeName', '매장 이름', { value: p.storeName, attrs: 'required maxlength="100"' })}
  <div class="field"><label for="industry">업종</label>
    <select id="industry" name="industry" aria-describedby="industry-error" required>
      ${['', '음식점', '카페', '베이커리', '미용실', '소매점', '학원', '기타'].map((v) => `<option value="${esc(v)}" ${v === p.industry ? 'selected' : ''}>${v ? esc(v) : '선택해 주세요'}</option>`).join('')}
      ${p.industry && !['음식점', '카페', '베이커리', '미용실', '소매점', '학원', '기타'].includes(p.industry) ? `<option selected>${esc(p.industry)}</option>` : ''}
    </select><p class="error" id="industry-error" aria-live="polite"></p></div>
  ${field('address', '매장 주소', { value: p.address, attrs: 'required autocomplete="street-address"' })}
  ${field('businessHours', '영업시간 (선택)', { value: p.businessHours, attrs: 'placeholder="예: 10:00-22:00"' })}`;

const STORE_RULES = { storeName: required('매장 이름'), industry: (v) => (v ? '' : '업종을 선택해 주세요'), address: required('매장 주소') };
// Which field an error code of the user service concerns.
const USER_FIELDS = { USER_001: 'email', USER_002: 'phoneNumber', USER_006: 'currentPassword',
  USER_003: (err) => ['password', 'email', 'phoneNumber', 'name', 'storeName', 'industry', 'address']
    .find((f) => err.message.includes({ password: '비밀번호', email: '이메일', phoneNumber: '전화', name: '이름', storeName: '매장', industry: '업종', address: '주소' }[f])) };

function storeBody(form) {
  return { storeName: form.storeName.value.trim(), industry: form.industry.value, address: form.address.value.trim(),
    businessHours: form.businessHours.value.trim() || null };
}

export function signupScreen() {
  const m = render(`${hero}<form class="card" id="signup" novalidate aria-labelledby="signup-title">
    <h2 id="signup-title">회원가입</h2>
    ${field('name', '이름', { attrs: 'required autocomplete="name"' })}
    ${field('phoneNumber', '휴대폰 번호', { type: 'tel', attrs: 'required inputmode="numeric" autocomplete="tel" placeholder="01012345678"' })}
    ${field('email', '이메일', { type: 'email', attrs: 'required autocomplete="email"' })}
    ${field('password', '비밀번호', { type: 'password', attrs: 'required autocomplete="new-password"', hint: '8자 이상, 영문·숫자·특수문자 포함' })}
    <h3>매장 정보</h3>${STORE_FIELDS()}
    <p class="error form-error" role="alert"></p>
    <button class="primary" type="submit">가입하기</button>
    <p class="muted small">이미 계정이 있으신가요? <a href="#/login">로그인</a></p></form>`, '회원가입');
  const form = m.querySelector('#signup');
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const rules = { name: (v) => (v.length >= 2 ? '' : '이름은 2자 이상 입력해 주세요'), phoneNumber: PHONE_RULE,
      email: EMAIL_RULE, password: PASSWORD_RULE, ...STORE_RULES };
    if (!validate(form, rules)) return;
    const btn = form.querySelector('button[type=submit]');
    btn.disabled = true;
    try {
      const s = await post('/api/users/register', { name: form.name.value.trim(), phoneNumber: form.phoneNumber.value.replace(/[-\s]/g, ''),
        email: form.email.value.trim(), password: form.password.value, ...storeBody(form) });
      afterLogin(s, false);
      toast('가입을 환영합니다!');
    } catch (err) {
      showApiError(form, err, USER_FIELDS);
    } finally { btn.disabled = false; }
  });
}

export async function profileScreen() {
  const p = await get('/api/users/me');
  const m = render(`<h1>내 정보</h1><form class="card" id="profile" novalidate aria-labelledby="profile-title">
    <h2 id="profile-title">프로필과 매장 정보</h2>
    <p class="muted small">${esc(p.email)}</p>
    ${field('name', '이름', { value: p.name, attrs: 'required' })}
    ${field('phoneNumber', '휴대폰 번호', { type: 'tel', value: p.phoneNumber, attrs: 'required inputmode="numeric"' })}
    ${STORE_FIELDS(p)}
    <p class="error form-error" role="alert"></p>
    <button class="primary" type="submit">저장</button></form>
    <form class="card" id="password-form" novalidate aria-labelledby="password-title">
    <h2 id="password-title">비밀번호 바꾸기</h2>
    <input class="visually-hidden" type="email" name="username" autocomplete="username" value="${esc(p.email)}" tabindex="-1" aria-hidden="true" readonly>
    ${field('currentPassword', '지금 비밀번호', { type: 'password', attrs: 'required autocomplete="current-password"' })}
    ${field('newPassword', '새 비밀번호', { type: 'password', attrs: 'required autocomplete="new-password"', hint: '8자 이상, 영문·숫자·특수문자 포함' })}
    ${field('newPassword2', '새 비밀번호 확인', { type: 'password', attrs: 'required autocomplete="new-password"' })}
    <p class="error form-error" role="alert"></p>
    <button class="primary" type="submit">비밀번호 바꾸기</button></form>
    <section class="card"><h2>매장 운영</h2><a class="button block" href="#/coupons">당첨 쿠폰 사용 처리</a></section>
    <button class="block danger" id="logout" type="button">로그아웃</button>`, '내 정보');
  const form = m.querySelector('#profile');
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (!validate(form, { name: (v) => (v.length >= 2 ? '' : '이름은 2자 이상 입력해 주세요'), phoneNumber: PHONE_RULE, ...STORE_RULES })) return;
    try {
      await put('/api/users/me', { name: form.name.value.trim(), phoneNumber: form.phoneNumber.value.replace(/[-\s]/g, ''), ...storeBody(form) });
      toast('저장했습니다');
    } catch (err) { showApiError(form, err, USER_FIELDS); }
  });
  const pw = m.querySelector('#password-form');
  pw.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (!validate(pw, { currentPassword: required('지금 비밀번호'), newPassword: PASSWORD_RULE,
      newPassword2: (v, f) => (v === f.newPassword.value ? '' : '새 비밀번호가 서로 달라요') })) return;
    try {
      const t = await put('/api/users/me/password', { currentPassword: pw.currentPassword.value, newPassword: pw.newPassword.value });
      // The old token is revoked: keep the owner signed in with the new one, where the old one was kept.
      if (t && t.token) saveToken(t.token, Boolean(localStorage.getItem('kem.token')));
      pw.reset();
      toast('비밀번호를 바꿨습니다');
    } catch (err) {
      showApiError(pw, err, { USER_006: 'currentPassword', USER_003: 'newPassword' });
    }
  });
  m.querySelector('#logout').addEventListener('click', async () => {
    try { await api('POST', '/api/users/logout'); } catch (e) { /* the token is dropped either way */ }
    clearToken();
    // Nothing of this owner stays in the tab for the next one.
    Object.keys(sessionStorage).filter((k) => k.startsWith('kem.')).forEach((k) => sessionStorage.removeItem(k));
    location.hash = '#/login';
  });
}
