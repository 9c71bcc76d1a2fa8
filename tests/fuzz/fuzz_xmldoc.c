/* fuzz_xmldoc.c: any bytes as an XML document (the XML handler, handlers/text/xmldoc.c,
 * forced): the tokenizer of src/xml.c under a handler, encodings, structure to text.
 * Properties: those of fuzz_util.h (statuses, the chunk contract, the output limit). */
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_forced(PITH_FMT_XML, data, size);
    return 0;
}
