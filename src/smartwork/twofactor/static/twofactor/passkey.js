/* Passkeys (WebAuthn): register one in the security settings, log in with one at the
   second step. The options come from the server (py_webauthn) as JSON with base64url
   strings; the browser's API takes and gives ArrayBuffers. No inline script (CSP). */
(function () {
  "use strict";

  function toBuffer(value) {
    var b64 = value.replace(/-/g, "+").replace(/_/g, "/");
    while (b64.length % 4) { b64 += "="; }
    var raw = atob(b64);
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) { bytes[i] = raw.charCodeAt(i); }
    return bytes.buffer;
  }

  function toBase64url(buffer) {
    if (!buffer) { return null; }
    var bytes = new Uint8Array(buffer);
    var raw = "";
    for (var i = 0; i < bytes.length; i++) { raw += String.fromCharCode(bytes[i]); }
    return btoa(raw).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function csrfToken() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (input) { return input.value; }
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function post(url, body) {
    return fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": csrfToken(),
                "Accept": "application/json"},
      body: JSON.stringify(body || {})
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (!response.ok) {
          var message = data && data.error && data.error.message;
          throw new Error(message || String(response.status));
        }
        return data;
      });
    });
  }

  function credentialJSON(credential) {
    var response = credential.response;
    var out = {
      id: credential.id, rawId: toBase64url(credential.rawId), type: credential.type,
      clientExtensionResults: credential.getClientExtensionResults ?
        credential.getClientExtensionResults() : {},
      authenticatorAttachment: credential.authenticatorAttachment || undefined,
      response: {clientDataJSON: toBase64url(response.clientDataJSON)}
    };
    if (response.attestationObject) {
      out.response.attestationObject = toBase64url(response.attestationObject);
      out.response.transports = response.getTransports ? response.getTransports() : [];
    } else {
      out.response.authenticatorData = toBase64url(response.authenticatorData);
      out.response.signature = toBase64url(response.signature);
      out.response.userHandle = toBase64url(response.userHandle);
    }
    return out;
  }

  function creationOptions(options) {
    options.challenge = toBuffer(options.challenge);
    options.user.id = toBuffer(options.user.id);
    (options.excludeCredentials || []).forEach(function (c) { c.id = toBuffer(c.id); });
    return options;
  }

  function requestOptions(options) {
    options.challenge = toBuffer(options.challenge);
    (options.allowCredentials || []).forEach(function (c) { c.id = toBuffer(c.id); });
    return options;
  }

  function setUp(box, run) {
    var button = box.querySelector("[data-passkey-start]");
    var error = box.querySelector("[data-passkey-error]");
    if (!window.PublicKeyCredential || !navigator.credentials || !window.isSecureContext) {
      var note = box.querySelector("[data-passkey-unsupported]");
      if (note) { note.hidden = false; }
      if (button) { button.disabled = true; }
      return;
    }
    button.addEventListener("click", function () {
      button.disabled = true;
      error.hidden = true;
      run(box).then(function (data) {
        window.location.assign(data.redirect || "/");
      }).catch(function (exc) {
        error.textContent = exc && exc.message ? exc.message : String(exc);
        error.hidden = false;
        button.disabled = false;
      });
    });
  }

  function register(box) {
    var name = box.querySelector("[data-passkey-name]");
    return post(box.dataset.optionsUrl).then(function (options) {
      return navigator.credentials.create({publicKey: creationOptions(options)});
    }).then(function (credential) {
      return post(box.dataset.url, {name: name ? name.value : "",
                                    credential: credentialJSON(credential)});
    });
  }

  function login(box) {
    return post(box.dataset.optionsUrl).then(function (options) {
      return navigator.credentials.get({publicKey: requestOptions(options)});
    }).then(function (credential) {
      return post(box.dataset.url, {credential: credentialJSON(credential)});
    });
  }

  document.querySelectorAll("[data-passkey-register]").forEach(function (box) {
    setUp(box, register);
  });
  document.querySelectorAll("[data-passkey-login]").forEach(function (box) {
    setUp(box, login);
  });
})();
