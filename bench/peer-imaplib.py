#!/usr/bin/python3
"""The sequential peer for bench/run-imap: what a plain imaplib script does.

usage: peer-imaplib.py CONFIG MESSAGE-ID...

CONFIG has one line per account: "USER PASSWORD PORT".  For each account
in turn it logs in over plain IMAP to 127.0.0.1.  In INBOX and in Junk it
then runs what landed runs: EXAMINE, one UID SEARCH with the Message-IDs
OR-ed together, and one UID FETCH of landed's header fields for the hits.
It prints one line per account with the number of hits.
"""

import imaplib
import sys

FIELDS = ("Message-ID X-Landed-Tag Subject Date Authentication-Results "
          "ARC-Authentication-Results Received-SPF")


def or_search(message_ids):
    """Return the search key OR-ing HEADER Message-ID for each id."""
    key = 'HEADER Message-ID "%s"' % message_ids[-1]
    for message_id in reversed(message_ids[:-1]):
        key = 'OR HEADER Message-ID "%s" (%s)' % (message_id, key)
    return key


def main():
    config, message_ids = sys.argv[1], sys.argv[2:]
    key = or_search(message_ids)
    with open(config) as f:
        accounts = [line.split() for line in f if line.strip()]
    for user, password, port in accounts:
        imap = imaplib.IMAP4("127.0.0.1", int(port))
        imap.login(user, password)
        hits = 0
        for folder in ("INBOX", "Junk"):
            imap.select(folder, readonly=True)
            typ, data = imap.uid("SEARCH", "CHARSET", "UTF-8", key)
            uids = data[0].split()
            hits += len(uids)
            if uids:
                imap.uid("FETCH", b",".join(uids).decode(),
                         "(INTERNALDATE BODY.PEEK[HEADER.FIELDS (%s)])" % FIELDS)
        imap.logout()
        print(user, hits)


main()
