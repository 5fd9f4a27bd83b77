// The customers' entry form: checked in the browser, sent without login,
// and every error of the API shown in Korean next to its field.
const root = document.getElementById('main');
const form = document.getElementById('entry-form');
const eventId = root.dataset.eventId;
const channel = root.dataset.channel || null;

// Which field an error code of the participation service concerns.
const FIELDS = { PART_001: 'phoneNumber', PART_006: 'name', PART_007: 'phoneNumber', PART_008: 'agreePrivacy', PART_009: 'email' };

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
  return errors;
}

function closed() {
  form.querySelectorAll('input, button').forEach((e) => { e.disabled = true; });
  document.getElementById('closed').hidden = false;
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
