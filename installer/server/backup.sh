#!/bin/sh
# Nightly logical backup of the server's database (docs/operator.md, "Backups"); run it from cron or
# a systemd timer as the postgres user:  0 2 * * *  postgres /opt/sfa/share/backup.sh
# Keeps BACKUP_DAYS days of custom-format dumps (pg_restore reads them; restores are drilled).
set -eu
DB=${SFA_DB:-sfa}
DIR=${BACKUP_DIR:-/var/backups/sfa}
DAYS=${BACKUP_DAYS:-14}
mkdir -p "$DIR"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
pg_dump --format=custom --no-owner --file "$DIR/$DB-$stamp.dump.part" "$DB"
mv "$DIR/$DB-$stamp.dump.part" "$DIR/$DB-$stamp.dump"   # a half-written dump never looks complete
find "$DIR" -name "$DB-*.dump" -mtime +"$DAYS" -delete
echo "backup $DIR/$DB-$stamp.dump ($(du -h "$DIR/$DB-$stamp.dump" | cut -f1))"
