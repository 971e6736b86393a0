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
});
