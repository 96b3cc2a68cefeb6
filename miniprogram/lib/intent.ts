/**
 * Hand-overs between pages that a URL must not carry or cannot: `wx.switchTab` takes no query,
 * and a new API key must never sit in a URL or in storage. Memory only; each is read once.
 */
export interface CreatedKey {
  id: string;
  name: string;
  key: string;
  expiresAt: string;
}

let openKeyForm = false;
let createdKey: CreatedKey | null = null;

export function requestKeyForm(): void {
  openKeyForm = true;
}

export function takeKeyFormRequest(): boolean {
  const asked = openKeyForm;
  openKeyForm = false;
  return asked;
}

export function handOverCreatedKey(key: CreatedKey): void {
  createdKey = key;
}

export function takeCreatedKey(): CreatedKey | null {
  const key = createdKey;
  createdKey = null;
  return key;
}
