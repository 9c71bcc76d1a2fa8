/* registry.c: from a format to the handler that reads it in this build.
 *
 * The list of handlers itself is generated at configure time (registry_gen.c from
 * registry_gen.c.in) from the Meson options, so a handler switched off is not even referenced
 * and its code never reaches the binary. Formats map to handlers through their option name:
 * ODT, ODS and ODP share the `odf` handler.
 */
#include <string.h>

#include "core.h"

static const char *const format_options[PITH_FMT_COUNT] = {
    [PITH_FMT_TEXT] = "text", [PITH_FMT_HTML] = "html",  [PITH_FMT_MARKDOWN] = "markdown",
    [PITH_FMT_PDF] = "pdf",   [PITH_FMT_DOCX] = "docx",  [PITH_FMT_XLSX] = "xlsx",
    [PITH_FMT_PPTX] = "pptx", [PITH_FMT_ODT] = "odf",    [PITH_FMT_ODS] = "odf",
    [PITH_FMT_ODP] = "odf",   [PITH_FMT_EPUB] = "epub",  [PITH_FMT_RTF] = "rtf",
    [PITH_FMT_EML] = "eml",   [PITH_FMT_CSV] = "csv",    [PITH_FMT_XML] = "xml",
    [PITH_FMT_JSON] = "json",
};

const char *pith_format_option(pith_format f)
{
    if ((unsigned)f >= PITH_FMT_COUNT) return NULL;
    return format_options[f];
}

const pith_handler *pith_registry_find(pith_format f)
{
    const char *opt = pith_format_option(f);
    if (!opt) return NULL;
    for (const pith_handler *const *h = pith_registry; *h; h++)
        if (strcmp((*h)->name, opt) == 0) return *h;
    return NULL;
}
