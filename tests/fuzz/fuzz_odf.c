/* fuzz_odf.c: any bytes as an ODF package (the ODF handler forced for ODT, ODS or
 * ODP by the input size): ZIP, manifest, content.xml and styles.xml, meta.xml.
 * Properties: those of fuzz_util.h (statuses, the chunk contract, the output limit). */
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* odt, ods, odp: the three formats of the one handler, by input size */
    static const pith_format fmts[] = {PITH_FMT_ODT, PITH_FMT_ODS, PITH_FMT_ODP};
    fuzz_forced(fmts[size % 3], data, size);
    return 0;
}
