// Shared by every page: the API helper (CSRF token, JSON, errors), texts
// from the page's i18n block, the toast, and signing out. No framework: the
// pages are rendered on the server; scripts only add behaviour.
'use strict';
(function () {
  const i18nEl = document.getElementById('i18n');
  const texts = i18nEl ? JSON.parse(i18nEl.textContent) : {};
  const csrfEl = document.querySelector('meta[name="csrf-token"]');

  // t('common.saved') → the text in the page's language (or the key).
  function t(key) {
    let node = texts;
    for (const part of key.split('.')) {
      if (node == null || typeof node !== 'object') return key;
      node = node[part];
    }
    return typeof node === 'string' ? node : key;
  }

  class ApiError extends Error {
    constructor(status, body) {
      const err = (body && body.error) || {};
      super(err.message || ('HTTP ' + status));
      this.status = status;
      this.code = err.code || '';
      this.field = err.field || '';
    }
  }

  // fetch() for the JSON API: sends the CSRF token on every state-changing
  // request, parses JSON, throws ApiError for non-2xx. A 401 sends the user
  // to the sign-in page (coming back here afterwards).
  async function api(method, url, body) {
    const headers = { 'Accept': 'application/json' };
    if (method !== 'GET' && method !== 'HEAD' && csrfEl) headers['X-CSRF-Token'] = csrfEl.content;
    const init = { method, headers, credentials: 'same-origin' };
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    let res;
    try {
      res = await fetch(url, init);
    } catch (e) {
      throw new ApiError(0, { error: { code: 'network', message: t('common.network_error') } });
    }
    const text = await res.text();
    let data = null;
    if (text) {
      try { data = JSON.parse(text); } catch (e) { data = null; }
    }
    if (res.status === 401 && !url.endsWith('/api/v1/session')) {
      toast(t('common.session_expired'), true);
      const next = location.pathname + location.search;
      setTimeout(() => { location.href = '/login?next=' + encodeURIComponent(next); }, 1200);
    }
    if (!res.ok) throw new ApiError(res.status, data);
    return data;
  }

  let toastTimer = null;
  function toast(message, isError) {
    const el = document.getElementById('toast');
    if (!el) return;
    el.textContent = message;
    el.classList.toggle('error', !!isError);
    el.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => { el.hidden = true; }, isError ? 6000 : 2500);
  }

  const signOut = document.getElementById('sign-out');
  if (signOut) {
    signOut.addEventListener('click', async () => {
      try { await api('DELETE', '/api/v1/session'); } catch (e) { /* signed out anyway */ }
      location.href = '/login';
    });
  }

  window.Kunren = { api, t, toast, ApiError, csrf: () => (csrfEl ? csrfEl.content : '') };
})();
