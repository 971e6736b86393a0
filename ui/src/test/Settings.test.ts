import { screen } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import Settings from '../screens/Settings.svelte';
import { BackendError } from '../lib/backend/backend';
import { freshBackend, renderWith } from './helpers';

describe('settings', () => {
  it('saves a backup where the owner chose and says where', async () => {
    const user = userEvent.setup();
    const backend = await freshBackend();
    renderWith(Settings, backend);
    await user.click(screen.getByTestId('save-backup'));
    const note = await screen.findByTestId('backup-saved');
    expect(note.textContent).toBe('Backup saved to /home/owner/paydesk-backup-2026-11-23.sqlite3.');
  });

  it('says nothing when the save dialog is cancelled, and shows a failure without losing the profile being typed', async () => {
    const user = userEvent.setup();
    const backend = await freshBackend();
    let answer: () => Promise<string | null> = async () => null;
    const wrapped = { ...backend, saveBackup: () => answer() };
    renderWith(Settings, wrapped);

    await user.clear(screen.getByTestId('name'));
    await user.type(screen.getByTestId('name'), 'Salon Zoë');
    await user.click(screen.getByTestId('save-backup'));
    await expect.poll(() => (screen.getByTestId('save-backup') as HTMLButtonElement).disabled).toBe(false);
    expect(screen.queryByTestId('backup-saved')).toBeNull();
    expect(screen.queryByRole('alert')).toBeNull();

    answer = async () => {
      throw new BackendError('io', 'The disk is full.');
    };
    await user.click(screen.getByTestId('save-backup'));
    expect((await screen.findByRole('alert')).textContent).toBe('The disk is full.');
    expect((screen.getByTestId('name') as HTMLInputElement).value).toBe('Salon Zoë');
  });

  it('refuses a logo that is not a PNG or JPEG, or too big, in plain words next to the field, and keeps what was typed', async () => {
    // The accept attribute is only a hint to the file picker; the bytes decide.
    const user = userEvent.setup({ applyAccept: false });
    const backend = await freshBackend();
    renderWith(Settings, backend);
    expect(await screen.findByTestId('no-logo')).toBeTruthy();
    await user.clear(screen.getByTestId('name'));
    await user.type(screen.getByTestId('name'), 'Salon Zoë');

    await user.upload(screen.getByTestId('logo-file'), new File(['GIF89a...'], 'logo.png', { type: 'image/png' }));
    expect((await screen.findByTestId('error-logo')).textContent).toBe('The logo must be a PNG or JPEG image.');

    const big = new Uint8Array(1024 * 1024 + 1);
    big.set(PNG_MAGIC);
    await user.upload(screen.getByTestId('logo-file'), new File([big], 'huge.png', { type: 'image/png' }));
    await expect
      .poll(() => screen.getByTestId('error-logo').textContent)
      .toBe('The logo is larger than 1 MB. Save a smaller PNG or JPEG and try again.');
    expect(screen.queryByTestId('logo-preview')).toBeNull();
    expect((screen.getByTestId('name') as HTMLInputElement).value).toBe('Salon Zoë');
    expect(await backend.getLogo()).toBeNull();
  });

  it('shows a chosen PNG as the logo, and removes it', async () => {
    const user = userEvent.setup();
    const backend = await freshBackend();
    renderWith(Settings, backend);
    await screen.findByTestId('no-logo');
    const png = new Uint8Array([...PNG_MAGIC, 1, 2, 3]);
    await user.upload(screen.getByTestId('logo-file'), new File([png], 'logo.png', { type: 'image/png' }));
    const img = (await screen.findByTestId('logo-preview')) as HTMLImageElement;
    expect(img.getAttribute('src')).toBe('data:image/png;base64,iVBORw0KGgoBAgM=');
    expect(img.alt).toBe('Your logo');
    expect(screen.queryByTestId('error-logo')).toBeNull();
    expect((await backend.getBusiness()).has_logo).toBe(true);

    await user.click(screen.getByTestId('remove-logo'));
    expect(await screen.findByTestId('no-logo')).toBeTruthy();
    expect(screen.queryByTestId('logo-preview')).toBeNull();
    expect(await backend.getLogo()).toBeNull();
  });
});

describe('settings → pay links', () => {
  it('saves "let clients save their card" as it is ticked, and saving the profile later keeps it', async () => {
    const user = userEvent.setup();
    const backend = await freshBackend();
    renderWith(Settings, backend);
    const box = screen.getByTestId('save_cards_on_pay') as HTMLInputElement;
    expect(box.checked).toBe(false);
    expect(screen.getByLabelText('Let clients save their card when they pay online')).toBe(box);

    await user.click(box);
    expect((await screen.findByTestId('save-cards-saved')).textContent).toBe('Saved.');
    expect((await backend.getBusiness()).save_cards_on_pay).toBe(true);

    // The profile form was opened before the tick: saving it must not send the old value back.
    await user.clear(screen.getByTestId('name'));
    await user.type(screen.getByTestId('name'), 'Salon Zoë');
    await user.click(screen.getByTestId('save'));
    await screen.findByTestId('saved');
    expect(await backend.getBusiness()).toMatchObject({ name: 'Salon Zoë', save_cards_on_pay: true });
    expect(box.checked).toBe(true);
  });

  it('puts the box back and says why when saving fails', async () => {
    const user = userEvent.setup();
    const backend = await freshBackend();
    const failing = {
      ...backend,
      updateBusiness: async () => {
        throw new BackendError('database', 'The books are busy; try again in a moment.');
      },
    };
    renderWith(Settings, failing);
    const box = screen.getByTestId('save_cards_on_pay') as HTMLInputElement;
    await user.click(box);
    expect((await screen.findByTestId('save-cards-error')).textContent).toBe('The books are busy; try again in a moment.');
    expect(box.checked).toBe(false);
  });
});

const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

// jsdom's File has no arrayBuffer() (browsers and WebKitGTK do); read it with FileReader instead.
if (typeof Blob.prototype.arrayBuffer !== 'function') {
  Blob.prototype.arrayBuffer = function (this: Blob): Promise<ArrayBuffer> {
    return new Promise((resolve, reject) => {
      const reader = new FileReader();
      reader.onload = () => resolve(reader.result as ArrayBuffer);
      reader.onerror = () => reject(reader.error ?? new Error('read failed'));
      reader.readAsArrayBuffer(this);
    });
  };
}
