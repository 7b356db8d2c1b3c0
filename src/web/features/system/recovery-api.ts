// Calls to the recovery API: only while the database cannot be opened, unlocked by the one-time recovery code.

import { type BackupList, sendFile } from "@/features/system/api";
import { request } from "@/lib/api";

export type RecoveryStatus = { active: boolean; problem: string | null; since: string | null };
export type RecoveryBackups = { backups: BackupList; damaged_dir: string; uploaded: string | null };
export type RecoveryRestored = {
  archive: string;
  created_at: string | null;
  seconds: number;
  damaged_kept: string | null;
};

// Nobody is signed in (the accounts are in the damaged database): a 401/403 is this page's answer.
const ANONYMOUS = { redirectOnUnauthorized: false } as const;

export function getRecovery(): Promise<RecoveryStatus> {
  return request<RecoveryStatus>("GET", "/api/recovery", ANONYMOUS);
}

export function listRecoveryBackups(code: string): Promise<RecoveryBackups> {
  return request<RecoveryBackups>("POST", "/api/recovery/backups", { ...ANONYMOUS, body: { code } });
}

export function restoreInRecovery(code: string, name: string): Promise<RecoveryRestored> {
  return request<RecoveryRestored>("POST", "/api/recovery/restore", { ...ANONYMOUS, body: { code, name } });
}

export async function uploadInRecovery(
  code: string,
  file: Blob,
  onProgress: (sent: number, total: number) => void,
): Promise<RecoveryBackups> {
  return (await sendFile("/api/recovery/upload", file, { "X-Recovery-Code": code }, onProgress)) as RecoveryBackups;
}
