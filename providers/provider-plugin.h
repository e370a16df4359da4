/* The built-in plugins include the header that outside plugins use. */
#include "landed/provider-plugin.h"
