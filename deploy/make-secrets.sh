#!/bin/sh
# Creates the keys compose.yaml reads, in ./secrets (or $1), once: existing files are kept, since
# a new notes, MFA or encodings key makes the stored data unreadable. Keep a copy of this folder
# somewhere safe and apart from the database backups (docs/deployment.md, "Keys").
set -eu
dir=${1:-secrets}
umask 077
mkdir -p "$dir"
chmod 700 "$dir"
key32() { head -c 32 /dev/urandom | base64; }
new() {
  if [ -s "$dir/$1" ]; then echo "kept    $dir/$1"; return; fi
  printf '%s' "$2" > "$dir/$1"
  # Readable inside the containers (their users differ from yours); the 0700 folder keeps other
  # users of this machine out.
  chmod 644 "$dir/$1"
  echo "created $dir/$1"
}
new secret_key "$(head -c 48 /dev/urandom | base64 | tr -d '\n/+=')"
new audit_key "$(key32)"
new notes_key "$(key32)"
new mfa_key "$(key32)"
new encodings_key "$(key32)"
new email_password ""
if [ ! -s "$dir/db_password" ]; then
  password=$(head -c 24 /dev/urandom | base64 | tr -d '\n/+=')
  new db_password "$password"
  new database_url "postgres://balise:$password@db:5432/balise"
fi
echo "Put the SMTP password in $dir/email_password if your relay needs one."
