// GLPK, from Debian's libglpk-dev: the independent solver the allocation's tests and benchmark
// check Haven's answers against (docs/DECISIONS.md, issue 26). Haven itself never calls it.
#include <glpk.h>
