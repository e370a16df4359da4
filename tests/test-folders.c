/* Tests of folder roles: SPECIAL-USE first, then provider and localized
 * names, views, \Noselect, and the config's folders list. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "folders.h"
#include "harness.h"
#include "provider_registry.h"

#define F(name, flags) { (char *)(uintptr_t)(name), (char *)(uintptr_t)(name), '/', (flags) }

static const char *
role_of(const struct ld_folder_plan *plan, size_t count, const char *name)
{
	for (size_t i = 0; i < count; i++)
		if (strcmp(plan[i].folder->name, name) == 0)
			return ld_folder_role_name(plan[i].role);
	return "not searched";
}

static void
test_gmail_layout(void)
{
	struct ld_imap_folder folders[] = {
		F("INBOX", 0),
		F("[Gmail]", LD_FOLDER_NOSELECT),
		F("[Gmail]/All Mail", LD_FOLDER_ALL),
		F("[Gmail]/Spam", LD_FOLDER_JUNK),
		F("[Gmail]/Sent Mail", LD_FOLDER_SENT),
		F("[Gmail]/Important", LD_FOLDER_IMPORTANT),
		F("[Gmail]/Papierkorb", LD_FOLDER_TRASH),
		F("Receipts", 0),
	};
	struct ld_folder_plan *plan = NULL;
	size_t count = 0;
	struct ld_error err = { 0 };

	TEST_CASE("gmail layout");
	CHECK_INT(LD_OK, ld_folders_plan("g", folders, 8,
	    ld_provider_find("gmail"), NULL, 0, &plan, &count, &err));
	CHECK_INT(7, count);
	CHECK_STR("INBOX", plan[0].folder->name);
	CHECK_STR("[Gmail]/Spam", plan[1].folder->name);
	CHECK_STR("junk", role_of(plan, count, "[Gmail]/Spam"));
	CHECK_STR("view", role_of(plan, count, "[Gmail]/All Mail"));
	CHECK_STR("view", role_of(plan, count, "[Gmail]/Important"));
	CHECK_STR("other", role_of(plan, count, "[Gmail]/Papierkorb"));
	CHECK_STR("other", role_of(plan, count, "Receipts"));
	CHECK_STR("not searched", role_of(plan, count, "[Gmail]"));
	free(plan);
}

static void
test_names_without_special_use(void)
{
	static const struct {
		const char *provider;
		const char *folder;
		const char *role;
	} cases[] = {
		{ "yahoo", "Bulk", "junk" },
		{ "gmx", "Spamverdacht", "junk" },
		{ "yandex", "Спам", "junk" },
		{ "generic", "Нежелательная почта", "junk" },
		{ "generic", "Courrier indésirable", "junk" },
		{ "generic", "INBOX/Junk", "junk" },
		{ "generic", "junk e-mail", "junk" },
		{ "webde", "Unbekannt", "other" },
		{ "generic", "Archive", "other" },
		{ "generic", "Spam reports", "other" },
		{ "proton", "All Mail", "view" },
		{ "proton", "Folders/Spam", "other" },
		{ "gmail", "[Gmail]/Spam", "junk" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ld_imap_folder folders[] = { F("INBOX", 0), F(cases[i].folder, 0) };
		struct ld_folder_plan *plan = NULL;
		size_t count = 0;
		struct ld_error err = { 0 };

		TEST_CASE(cases[i].folder);
		CHECK_INT(LD_OK, ld_folders_plan("a", folders, 2,
		    ld_provider_find(cases[i].provider), NULL, 0, &plan, &count,
		    &err));
		CHECK_STR(cases[i].role, role_of(plan, count, cases[i].folder));
		free(plan);
	}
}

static void
test_only_folders(void)
{
	struct ld_imap_folder folders[] = {
		F("INBOX", 0), F("Junk", LD_FOLDER_JUNK), F("Archive", 0),
	};
	char *only[] = { "inbox", "Junk" };
	char *missing[] = { "INBOX", "Spam" };
	struct ld_folder_plan *plan = NULL;
	size_t count = 0;
	struct ld_error err = { 0 };

	TEST_CASE("folders list limits the search");
	CHECK_INT(LD_OK, ld_folders_plan("a", folders, 3,
	    ld_provider_find("generic"), only, 2, &plan, &count, &err));
	CHECK_INT(2, count);
	CHECK_STR("not searched", role_of(plan, count, "Archive"));
	free(plan);

	TEST_CASE("folders list names a missing folder");
	plan = NULL;
	CHECK_INT(LD_ERR_NOT_FOUND, ld_folders_plan("seed-3", folders, 3,
	    ld_provider_find("generic"), missing, 2, &plan, &count, &err));
	CHECK_TRUE(strstr(err.message, "seed-3") != NULL);
	CHECK_TRUE(strstr(err.message, "\"Spam\"") != NULL);
	CHECK_TRUE(strstr(err.message, "INBOX, Junk, Archive") != NULL);
	CHECK_TRUE(plan == NULL);
}

int
main(void)
{
	test_gmail_layout();
	test_names_without_special_use();
	test_only_folders();
	return harness_finish();
}
