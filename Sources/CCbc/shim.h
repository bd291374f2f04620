// COIN-OR CBC's C interface, from Debian's coinor-libcbc-dev (the MIP solver HavenMIP hands
// the hard part of an allocation to; docs/DECISIONS.md, issue 26).
#include <coin/Cbc_C_Interface.h>
