/* Tuta (Tutanota) has no IMAP access, so landed cannot check it. */
#include "provider-plugin.h"

static const char *const domains[] = {
	"tuta.com", "tutanota.com", "tutanota.de", "tutamail.com", "tuta.io", NULL
};

LANDED_PROVIDER(tutanota) = {
	LANDED_PROVIDER_HEADER,
	.name = "tutanota",
	.display_name = "Tuta (Tutanota)",
	.domains = domains,
	.supported = 0,
	.unsupported_reason = "Tuta offers no IMAP access, so landed cannot "
	    "check a Tuta mailbox; remove the account from landed.conf",
};
