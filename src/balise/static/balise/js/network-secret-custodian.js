// The key custodian's page: creates the network secret in this browser (WebCrypto CSPRNG),
// keeps it on this device, sends Balise its key identifier only, and wraps it for each
// organisation under a new random unlock code (AES-GCM, PBKDF2-SHA256). The code is shown here
// once and never sent; the server receives the wrapped document (ciphertext) only.

const root = document.getElementById("custodian");
const messages = JSON.parse(document.getElementById("network-unlock-messages").textContent);
const encodingUrl = document.getElementById("balise-encoding-module").href;
const secretModuleUrl = document.getElementById("balise-network-secret-module").href;
const $ = (id) => document.getElementById(id);
const stateText = $("custodian-state");

const lib = await import(secretModuleUrl);
const { encodeIdentity } = await import(encodingUrl);
const keyIdOf = async (text) => (await encodeIdentity(text, {})).balise_key_id;

let networkKeyId = root.dataset.networkKeyId;

// Resolves to this device's secret text when it is the network's current one, else null.
async function currentSecret() {
  const text = lib.readStored();
  if (!text) return null;
  try {
    return (await keyIdOf(text)) === networkKeyId ? text : null;
  } catch {
    return null;
  }
}

async function render() {
  const text = lib.readStored();
  let keyId = "";
  if (text) {
    try {
      keyId = await keyIdOf(text);
    } catch {
      keyId = "";
    }
  }
  if (!keyId) {
    root.dataset.state = "missing";
    stateText.textContent = messages.need_secret;
  } else if (networkKeyId && keyId !== networkKeyId) {
    root.dataset.state = "wrong-network";
    stateText.textContent = lib.format(messages.wrong_network, { device: keyId, network: networkKeyId });
  } else {
    root.dataset.state = "ready";
    stateText.textContent = lib.format(messages.unlocked, { key: keyId });
  }
}

const createButton = $("create-secret");
if (createButton) {
  createButton.addEventListener("click", async () => {
    const error = $("create-error");
    const confirmBox = $("create-confirm");
    error.textContent = "";
    if (confirmBox && !confirmBox.checked) {
      error.textContent = messages.confirm_needed;
      confirmBox.focus();
      return;
    }
    createButton.disabled = true;
    stateText.textContent = messages.creating;
    try {
      const { text, keyId } = await lib.createSecretFile();
      if ((await keyIdOf(text)) !== keyId) throw new Error("the encoder disagrees on the key id");
      const [ok, body] = await lib.post(root.dataset.publishUrl, { key_id: keyId });
      if (!ok) throw new Error(body.error || messages.failed);
      lib.store(text); // kept only once Balise knows its key identifier
      networkKeyId = keyId;
      root.dataset.networkKeyId = keyId;
      await render();
      stateText.textContent = lib.format(messages.created, { key: keyId });
      stateText.focus();
    } catch (failure) {
      error.textContent = failure instanceof Error && failure.message ? failure.message : messages.failed;
      createButton.disabled = false;
    }
  });
}

for (const button of document.querySelectorAll(".make-code")) {
  button.addEventListener("click", async () => {
    const error = $("codes-error");
    const output = $(`code-${button.dataset.organisation}`);
    error.textContent = "";
    const text = await currentSecret();
    if (!text) {
      error.textContent = messages.need_secret;
      return;
    }
    button.disabled = true;
    output.textContent = lib.format(messages.wrapping, { organisation: button.dataset.name });
    try {
      const code = lib.newUnlockCode();
      const wrapped = await lib.wrapSecret(text, networkKeyId, code);
      const [ok, body] = await lib.post(root.dataset.wrapUrl, {
        organisation: button.dataset.organisation,
        wrapped: JSON.stringify(wrapped),
      });
      if (!ok) throw new Error(body.error || messages.failed);
      output.textContent = lib.format(messages.code_for, { organisation: button.dataset.name, code });
      output.dataset.code = code;
    } catch (failure) {
      output.textContent = "";
      error.textContent = failure instanceof Error && failure.message ? failure.message : messages.failed;
    } finally {
      button.disabled = false;
    }
  });
}

await render();
