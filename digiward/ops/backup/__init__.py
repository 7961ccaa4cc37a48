"""Backup, restore and upgrade preflight (docs/notes/backup.md).

- create.backup_create: one archive with the native dump, the portable rows, the
  private files and a manifest;
- restore.restore_archive / restore.restore_verify: checked restore, or a drill into
  a scratch database;
- upgrade.upgrade_check: what `migrate` would do to this database, and whether it is safe.
"""
