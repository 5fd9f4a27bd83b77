// The customers' entry form: checked in the browser, sent without login,
// and every error of the API shown in Korean next to its field.
const root = document.getElementById('main');
const form = document.getElementById('entry-form');
const eventId = root.dataset.eventId;
const channel = root.dataset.channel || null;

// Which field an error code of the participation service concerns.
const FIELDS = {
  PART_001: 'phoneNumber', PART_006: 'name', PART_007: 'phoneNumber', PART_008: 'agreePrivacy', PART_009: 'email',
  PART_020: 'verificationCode', PART_021: 'verificationCode', PART_022: 'verificationCode', PART_023: 'verificationCode', PART_024: 'verificationCode',
};
// Events that verify phones: a code by SMS first, then the entry with it.
const verifying = root.dataset.verify === 'true';

function show(name, message) {
  const slot = document.getElementById((name || 'form') + '-error');
  slot.textContent = message;
  const input = name && form.elements[name];
  if (input) { input.setAttribute('aria-invalid', 'true'); input.focus(); }
}

function clear() {
  form.querySelectorAll('.error').forEach((e) => { e.textContent = ''; });
  form.querySelectorAll('[aria-invalid]').forEach((e) => e.removeAttribute('aria-invalid'));
}

function check(data) {
  const errors = [];
  if (data.name.length < 2) errors.push(['name', '이름은 2자 이상 입력해 주세요']);
  if (!/^\d{10,11}$/.test(data.phoneNumber)) errors.push(['phoneNumber', '휴대폰 번호는 숫자 10~11자리로 입력해 주세요']);
  if (data.email && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(data.email)) errors.push(['email', '올바른 이메일 주소를 입력해 주세요']);
  if (!data.agreePrivacy) errors.push(['agreePrivacy', '개인정보 수집·이용에 동의해야 응모할 수 있습니다']);
  if (verifying && !/^\d{6}$/.test(data.verificationCode || '')) errors.push(['verificationCode', '문자로 받은 인증번호 6자리를 입력해 주세요']);
  return errors;
}

function closed() {
  form.querySelectorAll('input, button').forEach((e) => { e.disabled = true; });
  document.getElementById('closed').hidden = false;
}

if (verifying) {
  document.getElementById('verify-block').hidden = false;
  const sendButton = document.getElementById('send-code');
  const status = document.getElementById('code-status');
  // Counts down to when another code may be asked for.
  const waitThen = (seconds) => {
    sendButton.disabled = true;
    const tick = () => {
      if (seconds <= 0) { sendButton.disabled = false; sendButton.textContent = '인증번호 다시 받기'; return; }
      sendButton.textContent = `다시 받기 (${seconds}초)`;
      seconds -= 1;
      setTimeout(tick, 1000);
    };
    tick();
  };
  sendButton.addEventListener('click', async () => {
    clear();
    const phoneNumber = form.phoneNumber.value.replace(/[-\s]/g, '');
    if (!/^\d{10,11}$/.test(phoneNumber)) { show('phoneNumber', '휴대폰 번호는 숫자 10~11자리로 입력해 주세요'); return; }
    sendButton.disabled = true;
    try {
      const res = await fetch(`/api/events/${encodeURIComponent(eventId)}/verifications`, {
        method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/json' }, body: JSON.stringify({ phoneNumber }),
      });
      const body = await res.json().catch(() => ({}));
      if (!res.ok) {
        show(body.code === 'PART_020' || body.code === 'PART_024' ? null : (FIELDS[body.code] || 'phoneNumber'), body.message || '인증번호를 보내지 못했습니다. 잠시 후 다시 시도해 주세요.');
        const retry = Number(res.headers.get('Retry-After'));
        if (retry > 0 && retry <= 120) waitThen(retry); else sendButton.disabled = false;
        return;
      }
      status.textContent = '인증번호를 보냈습니다. 3분 안에 입력해 주세요.';
      form.verificationCode.focus();
      waitThen(body.resendAfterSeconds || 30);
    } catch (e) {
      sendButton.disabled = false;
      show(null, '네트워크 오류로 인증번호를 보내지 못했습니다. 연결을 확인하고 다시 시도해 주세요.');
    }
  });
}

if (root.dataset.accepting !== 'true') closed();
// Bot signals (docs/design.md §6.5): the time from the first touch of the form (else the page's load) to the send.
let started = null;
form.addEventListener('focusin', () => { started ??= performance.now(); });
// An ended event has nothing left to fill in: the notice and the draw box stand alone.
if (root.dataset.phase === 'ENDED') form.hidden = true;

form.addEventListener('submit', async (ev) => {
  ev.preventDefault();
  clear();
  const data = {
    name: form.name.value.trim(),
    phoneNumber: form.phoneNumber.value.replace(/[-\s]/g, ''),
    email: form.email.value.trim() || null,
    agreePrivacy: form.agreePrivacy.checked,
    agreeMarketing: form.agreeMarketing.checked,
    storeVisited: form.storeVisited.checked,
    channel,
    website: form.website.value,
    fillMs: Math.round(performance.now() - (started ?? 0)),
  };
  if (verifying) data.verificationCode = form.verificationCode.value.replace(/[-\s]/g, '');
  const errors = check(data);
  if (errors.length) {
    errors.reverse().forEach(([f, msg]) => show(f, msg)); // reversed so focus lands on the first
    return;
  }
  const button = document.getElementById('submit');
  button.disabled = true;
  button.textContent = '응모 중…';
  try {
    const res = await fetch(`/api/events/${encodeURIComponent(eventId)}/participate`, {
      method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/json' }, body: JSON.stringify(data),
    });
    const body = await res.json().catch(() => ({}));
    if (!res.ok) {
      if (body.code === 'PART_002') closed();
      show(FIELDS[body.code] || null, body.message || '응모하지 못했습니다. 잠시 후 다시 시도해 주세요.');
      return;
    }
    form.hidden = true;
    document.getElementById('entry-number').textContent = `${body.entryNumber}번`;
    if (body.message) document.getElementById('thanks-message').textContent = body.message;
    const thanks = document.getElementById('thanks');
    thanks.hidden = false;
    thanks.focus();
  } catch (e) {
    show(null, '네트워크 오류로 응모하지 못했습니다. 연결을 확인하고 다시 시도해 주세요.');
  } finally {
    button.disabled = false;
    button.textContent = '응모하기';
  }
});
