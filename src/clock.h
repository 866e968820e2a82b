#ifndef CLOCK_H
#define CLOCK_H

/*
 * Millisecond clocks: monotonic for deadlines and durations (a deadline is a clock_mono_ms()
 * value, 0 meaning none), real time for timestamps and for Lambda's Unix-time deadline.
 * Both are thread-safe and cannot fail.
 */

long long clock_mono_ms(void);
long long clock_real_ms(void);

#endif
