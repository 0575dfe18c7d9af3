#include "gzip_for_fuzz.h"
#include "libfuzzer_driver.h"
