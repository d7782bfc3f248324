/* The one translation unit that holds json.h's implementation. */
#define JSON_IMPLEMENTATION
#include "json.h"
