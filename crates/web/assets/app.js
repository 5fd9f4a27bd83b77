// The owner app's router: `#/…` hash routes, so the server serves one shell.
import { token } from './api.js';
import { render, esc } from './ui.js';
import { loginScreen, signupScreen, profileScreen } from './auth.js';
import { homeScreen, listScreen, analyticsScreen } from './home.js';
import { wizardScreen } from './wizard.js';
import { detailScreen } from './detail.js';
import { couponScreen } from './coupons.js';

const PUBLIC = new Set(['login', 'signup']);

function parse() {
  const raw = location.hash.replace(/^#\/?/, '');
  const [path, query = ''] = raw.split('?');
  return { parts: path.split('/').filter(Boolean), query: new URLSearchParams(query) };
}

async function route() {
  const { parts, query } = parse();
  const head = parts[0] || 'home';
  const signedIn = Boolean(token());
  if (!signedIn && !PUBLIC.has(head)) {
    location.replace('#/login');
    return;
  }
  if (signedIn && PUBLIC.has(head)) {
    location.replace('#/');
    return;
  }
  document.getElementById('topbar').hidden = !signedIn;
  document.getElementById('tabbar').hidden = !signedIn;
  document.body.classList.toggle('with-tabbar', signedIn);
  // The tab an inner screen belongs to: an event's detail is under 이벤트, the counter under 홈.
  const nav = { new: 'new', coupons: 'home' }[head] || head;
  document.querySelectorAll('[data-nav]').forEach((a) => {
    if (a.dataset.nav === nav) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  });
  try {
    switch (head) {
      case 'login': return await loginScreen();
      case 'signup': return await signupScreen();
      case 'profile': return await profileScreen();
      case 'home': return await homeScreen();
      case 'events': return parts[1] ? await detailScreen(parts[1], parts[2], query) : await listScreen(query);
      case 'analytics': return await analyticsScreen();
      case 'new': return await wizardScreen(Number(parts[1]) || 0, query);
      case 'coupons': return await couponScreen();
      default:
        render(`<section class="card message"><h1>페이지를 찾을 수 없습니다</h1><p><a href="#/">홈으로</a></p></section>`, '없는 페이지');
    }
  } catch (err) {
    if (err && err.status === 401) return; // api.js already sent the owner to the login screen
    render(`<section class="card message" role="alert"><h1>화면을 불러오지 못했습니다</h1><p>${esc(err && err.message)}</p><p><a href="#/">홈으로</a></p></section>`, '오류');
  }
}

window.addEventListener('hashchange', route);
route();
