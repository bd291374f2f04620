// The one C header Haven needs. Swift cannot use ncurses' macros and global variables
// directly (stdscr, COLS, LINES, COLOR_PAIR, A_* attributes), so this header wraps each
// in a small static inline function. SwiftPM drops the _XOPEN_SOURCE flags pkg-config
// suggests, so the wide-character API is switched on here explicitly.
#ifndef HAVEN_CNCURSES_SHIM_H
#define HAVEN_CNCURSES_SHIM_H

#define NCURSES_WIDECHAR 1
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif

#include <locale.h>
#include <langinfo.h>
#include <stdio.h>
#include <wchar.h>
#include <curses.h>

static inline WINDOW *haven_stdscr(void) { return stdscr; }

/// newterm on the process's own standard output and input; NULL for an unknown TERM.
static inline SCREEN *haven_newterm(const char *term) { return newterm(term, stdout, stdin); }

static inline const char *haven_codeset(void) { return nl_langinfo(CODESET); }

#include <term.h>
static inline TERMINAL *haven_cur_term(void) { return cur_term; }
static inline int haven_lines(void) { return LINES; }
static inline int haven_cols(void) { return COLS; }

static inline attr_t haven_a_normal(void) { return A_NORMAL; }
static inline attr_t haven_a_bold(void) { return A_BOLD; }
static inline attr_t haven_a_reverse(void) { return A_REVERSE; }
static inline attr_t haven_a_underline(void) { return A_UNDERLINE; }
static inline attr_t haven_a_dim(void) { return A_DIM; }

static inline int haven_key_code_yes(void) { return KEY_CODE_YES; }
static inline int haven_key_resize(void) { return KEY_RESIZE; }
static inline int haven_key_f(int n) { return KEY_F(n); }

/// Draws `count` wide characters with one attribute and colour pair at the cursor.
static inline int haven_put(WINDOW *win, const wchar_t *text, int count, attr_t attrs, short pair) {
    wattr_set(win, attrs, pair, NULL);
    return waddnwstr(win, text, count);
}

#endif
