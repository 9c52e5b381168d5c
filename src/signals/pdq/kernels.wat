;; PDQ's kernels in WebAssembly SIMD: luma, the Jarosz box-filter passes, the column gather
;; before decimation, and the 64×64 → 16×16 DCT; and, for the stream views' inset search, a byte
;; luma and its step mask (`lumaBytes`, `stepMask`: integers, exact). Hand-written, assembled by `scripts/build-pdq-wasm.ts` into
;; `kernels-wasm.ts` (a test checks the committed module equals a fresh assembly of this file).
;;
;; Bit-exactness: every value is float32 and every operation is one IEEE float32 operation in the
;; same order as the plain-JS kernels (`luma.ts`, `jarosz.ts`), which are bit-identical to Meta's
;; C++ core. SIMD lanes only run independent rows or columns side by side; no sum is reassociated,
;; no fused multiply-add and no reciprocal is used (wasm SIMD has neither in its base set), and
;; the division by the window size is a true `f32x4.div`.
;;
;; Memory contract (kept by `wasm-kernels.ts`): every buffer a kernel reads or writes has 16 bytes
;; of slack after its end, because the vector loops read and write whole 4-lane groups.
(module
  (memory (export "memory") 1 65536)

  ;; Luma Y = 0.299·R + 0.587·G + 0.114·B of `count` interleaved RGB pixels at `src` into float32
  ;; at `dst`, as ((0.299·R + 0.587·G) + 0.114·B), each product and sum rounded to float32.
  ;; Four pixels (12 bytes) per step from one 16-byte load, so it reads 4 bytes past the last pixel.
  (func (export "lumaRgb") (param $src i32) (param $dst i32) (param $count i32)
    (local $i i32) (local $end i32) (local $v v128) (local $zero v128)
    (local $rw v128) (local $gw v128) (local $bw v128)
    (local.set $rw (f32x4.splat (f32.const 0.299)))
    (local.set $gw (f32x4.splat (f32.const 0.587)))
    (local.set $bw (f32x4.splat (f32.const 0.114)))
    (local.set $zero (v128.const i32x4 0 0 0 0))
    (local.set $end (i32.and (local.get $count) (i32.const -4)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $v (v128.load (local.get $src)))
        (v128.store (local.get $dst)
          (f32x4.add
            (f32x4.add
              (f32x4.mul (local.get $rw)
                (f32x4.convert_i32x4_u
                  (i8x16.shuffle 0 16 16 16 3 16 16 16 6 16 16 16 9 16 16 16 (local.get $v) (local.get $zero))))
              (f32x4.mul (local.get $gw)
                (f32x4.convert_i32x4_u
                  (i8x16.shuffle 1 16 16 16 4 16 16 16 7 16 16 16 10 16 16 16 (local.get $v) (local.get $zero)))))
            (f32x4.mul (local.get $bw)
              (f32x4.convert_i32x4_u
                (i8x16.shuffle 2 16 16 16 5 16 16 16 8 16 16 16 11 16 16 16 (local.get $v) (local.get $zero))))))
        (local.set $src (i32.add (local.get $src) (i32.const 12)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $next)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $count)))
        (f32.store (local.get $dst)
          (f32.add
            (f32.add
              (f32.mul (f32.const 0.299) (f32.convert_i32_u (i32.load8_u (local.get $src))))
              (f32.mul (f32.const 0.587) (f32.convert_i32_u (i32.load8_u offset=1 (local.get $src)))))
            (f32.mul (f32.const 0.114) (f32.convert_i32_u (i32.load8_u offset=2 (local.get $src))))))
        (local.set $src (i32.add (local.get $src) (i32.const 3)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 4)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next))))

  ;; Luma of `count` grey pixels (R = G = B = the sample), the same formula as `lumaRgb`.
  (func (export "lumaGrey") (param $src i32) (param $dst i32) (param $count i32)
    (local $i i32) (local $end i32) (local $g v128) (local $s f32)
    (local $rw v128) (local $gw v128) (local $bw v128)
    (local.set $rw (f32x4.splat (f32.const 0.299)))
    (local.set $gw (f32x4.splat (f32.const 0.587)))
    (local.set $bw (f32x4.splat (f32.const 0.114)))
    (local.set $end (i32.and (local.get $count) (i32.const -4)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $g
          (f32x4.convert_i32x4_u
            (i32x4.extend_low_i16x8_u (i16x8.extend_low_i8x16_u (v128.load32_zero (local.get $src))))))
        (v128.store (local.get $dst)
          (f32x4.add
            (f32x4.add (f32x4.mul (local.get $rw) (local.get $g)) (f32x4.mul (local.get $gw) (local.get $g)))
            (f32x4.mul (local.get $bw) (local.get $g))))
        (local.set $src (i32.add (local.get $src) (i32.const 4)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $next)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $count)))
        (local.set $s (f32.convert_i32_u (i32.load8_u (local.get $src))))
        (f32.store (local.get $dst)
          (f32.add
            (f32.add (f32.mul (f32.const 0.299) (local.get $s)) (f32.mul (f32.const 0.587) (local.get $s)))
            (f32.mul (f32.const 0.114) (local.get $s))))
        (local.set $src (i32.add (local.get $src) (i32.const 1)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 4)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next))))

  ;; One box filter along 4 lanes of `length` interleaved vectors at `in` (vector k = sample k of
  ;; four lines) into `out`, as `box1DFloat`: warm-up sums, then growing, full and shrinking
  ;; windows, each output the running float32 sum divided by the current window size.
  (func $boxInterleaved (param $in i32) (param $out i32) (param $length i32) (param $window i32)
    (local $half i32) (local $n i32) (local $count i32) (local $left i32) (local $sum v128) (local $size v128)
    (local.set $half (i32.div_u (i32.add (local.get $window) (i32.const 2)) (i32.const 2)))
    ;; warm-up: half − 1 additions, no output
    (local.set $n (i32.sub (local.get $half) (i32.const 1)))
    (local.set $left (local.get $in))
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $sum (f32x4.add (local.get $sum) (v128.load (local.get $in))))
        (local.set $in (i32.add (local.get $in) (i32.const 16)))
        (local.set $count (i32.add (local.get $count) (i32.const 1)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $next)))
    ;; growing window: window − half + 1 outputs
    (local.set $n (i32.add (i32.sub (local.get $window) (local.get $half)) (i32.const 1)))
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $sum (f32x4.add (local.get $sum) (v128.load (local.get $in))))
        (local.set $in (i32.add (local.get $in) (i32.const 16)))
        (local.set $count (i32.add (local.get $count) (i32.const 1)))
        (v128.store (local.get $out)
          (f32x4.div (local.get $sum) (f32x4.splat (f32.convert_i32_u (local.get $count)))))
        (local.set $out (i32.add (local.get $out) (i32.const 16)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $next)))
    ;; full window: length − window outputs
    (local.set $n (i32.sub (local.get $length) (local.get $window)))
    (local.set $size (f32x4.splat (f32.convert_i32_u (local.get $count))))
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $sum
          (f32x4.sub (f32x4.add (local.get $sum) (v128.load (local.get $in))) (v128.load (local.get $left))))
        (local.set $in (i32.add (local.get $in) (i32.const 16)))
        (local.set $left (i32.add (local.get $left) (i32.const 16)))
        (v128.store (local.get $out) (f32x4.div (local.get $sum) (local.get $size)))
        (local.set $out (i32.add (local.get $out) (i32.const 16)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $next)))
    ;; shrinking window: half − 1 outputs
    (local.set $n (i32.sub (local.get $half) (i32.const 1)))
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $sum (f32x4.sub (local.get $sum) (v128.load (local.get $left))))
        (local.set $left (i32.add (local.get $left) (i32.const 16)))
        (local.set $count (i32.sub (local.get $count) (i32.const 1)))
        (v128.store (local.get $out)
          (f32x4.div (local.get $sum) (f32x4.splat (f32.convert_i32_u (local.get $count)))))
        (local.set $out (i32.add (local.get $out) (i32.const 16)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $next))))

  ;; Transposes 4 rows × `cols` floats (rows at $p0..$p3) into `cols` vectors at $dst (vector c =
  ;; column c of the four rows), 4×4 blocks by shuffles, the last cols % 4 columns lane by lane.
  (func $interleave (param $p0 i32) (param $p1 i32) (param $p2 i32) (param $p3 i32) (param $dst i32) (param $cols i32)
    (local $c i32) (local $end i32) (local $t0 v128) (local $t1 v128) (local $t2 v128) (local $t3 v128)
    (local.set $end (i32.and (local.get $cols) (i32.const -4)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $c) (local.get $end)))
        ;; t0 = a0 b0 a1 b1, t1 = a2 b2 a3 b3, t2 = c0 d0 c1 d1, t3 = c2 d2 c3 d3
        (local.set $t0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23
          (v128.load (local.get $p0)) (v128.load (local.get $p1))))
        (local.set $t1 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31
          (v128.load (local.get $p0)) (v128.load (local.get $p1))))
        (local.set $t2 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23
          (v128.load (local.get $p2)) (v128.load (local.get $p3))))
        (local.set $t3 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31
          (v128.load (local.get $p2)) (v128.load (local.get $p3))))
        (v128.store offset=0 (local.get $dst)
          (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t0) (local.get $t2)))
        (v128.store offset=16 (local.get $dst)
          (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t0) (local.get $t2)))
        (v128.store offset=32 (local.get $dst)
          (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t1) (local.get $t3)))
        (v128.store offset=48 (local.get $dst)
          (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t1) (local.get $t3)))
        (local.set $p0 (i32.add (local.get $p0) (i32.const 16)))
        (local.set $p1 (i32.add (local.get $p1) (i32.const 16)))
        (local.set $p2 (i32.add (local.get $p2) (i32.const 16)))
        (local.set $p3 (i32.add (local.get $p3) (i32.const 16)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 64)))
        (local.set $c (i32.add (local.get $c) (i32.const 4)))
        (br $next)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $c) (local.get $cols)))
        (v128.store (local.get $dst)
          (f32x4.replace_lane 3
            (f32x4.replace_lane 2
              (f32x4.replace_lane 1
                (f32x4.splat (f32.load (local.get $p0)))
                (f32.load (local.get $p1)))
              (f32.load (local.get $p2)))
            (f32.load (local.get $p3))))
        (local.set $p0 (i32.add (local.get $p0) (i32.const 4)))
        (local.set $p1 (i32.add (local.get $p1) (i32.const 4)))
        (local.set $p2 (i32.add (local.get $p2) (i32.const 4)))
        (local.set $p3 (i32.add (local.get $p3) (i32.const 4)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 16)))
        (local.set $c (i32.add (local.get $c) (i32.const 1)))
        (br $next))))

  ;; The inverse of $interleave: `cols` vectors at $src back into 4 rows at $p0..$p3. Rows may
  ;; alias (a short last group repeats its last row): aliased lanes hold identical values.
  (func $deinterleave (param $src i32) (param $p0 i32) (param $p1 i32) (param $p2 i32) (param $p3 i32) (param $cols i32)
    (local $c i32) (local $end i32) (local $t0 v128) (local $t1 v128) (local $t2 v128) (local $t3 v128) (local $v v128)
    (local.set $end (i32.and (local.get $cols) (i32.const -4)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $c) (local.get $end)))
        ;; the same 4×4 transpose: vectors k = 0..3 of the group are the "rows" here
        (local.set $t0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23
          (v128.load offset=0 (local.get $src)) (v128.load offset=16 (local.get $src))))
        (local.set $t1 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31
          (v128.load offset=0 (local.get $src)) (v128.load offset=16 (local.get $src))))
        (local.set $t2 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23
          (v128.load offset=32 (local.get $src)) (v128.load offset=48 (local.get $src))))
        (local.set $t3 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31
          (v128.load offset=32 (local.get $src)) (v128.load offset=48 (local.get $src))))
        (v128.store (local.get $p0)
          (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t0) (local.get $t2)))
        (v128.store (local.get $p1)
          (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t0) (local.get $t2)))
        (v128.store (local.get $p2)
          (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t1) (local.get $t3)))
        (v128.store (local.get $p3)
          (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t1) (local.get $t3)))
        (local.set $p0 (i32.add (local.get $p0) (i32.const 16)))
        (local.set $p1 (i32.add (local.get $p1) (i32.const 16)))
        (local.set $p2 (i32.add (local.get $p2) (i32.const 16)))
        (local.set $p3 (i32.add (local.get $p3) (i32.const 16)))
        (local.set $src (i32.add (local.get $src) (i32.const 64)))
        (local.set $c (i32.add (local.get $c) (i32.const 4)))
        (br $next)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $c) (local.get $cols)))
        (local.set $v (v128.load (local.get $src)))
        (f32.store (local.get $p3) (f32x4.extract_lane 3 (local.get $v)))
        (f32.store (local.get $p2) (f32x4.extract_lane 2 (local.get $v)))
        (f32.store (local.get $p1) (f32x4.extract_lane 1 (local.get $v)))
        (f32.store (local.get $p0) (f32x4.extract_lane 0 (local.get $v)))
        (local.set $p0 (i32.add (local.get $p0) (i32.const 4)))
        (local.set $p1 (i32.add (local.get $p1) (i32.const 4)))
        (local.set $p2 (i32.add (local.get $p2) (i32.const 4)))
        (local.set $p3 (i32.add (local.get $p3) (i32.const 4)))
        (local.set $src (i32.add (local.get $src) (i32.const 16)))
        (local.set $c (i32.add (local.get $c) (i32.const 1)))
        (br $next))))

  ;; Horizontal box filter of every row of `in` (rows × cols floats) into `out`, four rows per
  ;; step: transpose them into `lines` (cols vectors), filter, transpose back from `filtered`.
  ;; A short last group repeats its last row in the missing lanes.
  (func (export "boxRows") (param $in i32) (param $out i32) (param $rows i32) (param $cols i32) (param $window i32)
    (param $lines i32) (param $filtered i32)
    (local $row i32) (local $stride i32) (local $last i32) (local $r1 i32) (local $r2 i32) (local $r3 i32)
    (local.set $stride (i32.shl (local.get $cols) (i32.const 2)))
    (local.set $last (i32.sub (local.get $rows) (i32.const 1)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $row) (local.get $rows)))
        (local.set $r1 (i32.mul (local.get $stride)
          (select (i32.add (local.get $row) (i32.const 1)) (local.get $last)
            (i32.lt_u (i32.add (local.get $row) (i32.const 1)) (local.get $rows)))))
        (local.set $r2 (i32.mul (local.get $stride)
          (select (i32.add (local.get $row) (i32.const 2)) (local.get $last)
            (i32.lt_u (i32.add (local.get $row) (i32.const 2)) (local.get $rows)))))
        (local.set $r3 (i32.mul (local.get $stride)
          (select (i32.add (local.get $row) (i32.const 3)) (local.get $last)
            (i32.lt_u (i32.add (local.get $row) (i32.const 3)) (local.get $rows)))))
        (call $interleave
          (i32.add (local.get $in) (i32.mul (local.get $stride) (local.get $row)))
          (i32.add (local.get $in) (local.get $r1))
          (i32.add (local.get $in) (local.get $r2))
          (i32.add (local.get $in) (local.get $r3))
          (local.get $lines) (local.get $cols))
        (call $boxInterleaved (local.get $lines) (local.get $filtered) (local.get $cols) (local.get $window))
        (call $deinterleave (local.get $filtered)
          (i32.add (local.get $out) (i32.mul (local.get $stride) (local.get $row)))
          (i32.add (local.get $out) (local.get $r1))
          (i32.add (local.get $out) (local.get $r2))
          (i32.add (local.get $out) (local.get $r3))
          (local.get $cols))
        (local.set $row (i32.add (local.get $row) (i32.const 4)))
        (br $next))))

  ;; Vertical box filter of every column of `in` (rows × cols floats) into `out`, one running
  ;; float32 sum per column in `sums`, rows walked in memory order, four columns per vector.
  ;; Columns are processed in groups of four up to the next multiple of four: the extra lanes of
  ;; a row read and write the first columns of the next row (rewritten when that row's turn
  ;; comes) or the slack after the buffer, so no column's value depends on them.
  (func (export "boxColumns") (param $in i32) (param $out i32) (param $rows i32) (param $cols i32) (param $window i32)
    (param $sums i32)
    (local $half i32) (local $n i32) (local $count i32) (local $stride i32) (local $bytes i32)
    (local $right i32) (local $left i32) (local $o i32) (local $c i32) (local $sum v128) (local $size v128)
    (local.set $stride (i32.shl (local.get $cols) (i32.const 2)))
    (local.set $bytes (i32.shl (i32.and (i32.add (local.get $cols) (i32.const 3)) (i32.const -4)) (i32.const 2)))
    (memory.fill (local.get $sums) (i32.const 0) (local.get $bytes))
    (local.set $half (i32.div_u (i32.add (local.get $window) (i32.const 2)) (i32.const 2)))
    (local.set $right (local.get $in))
    (local.set $left (local.get $in))
    (local.set $o (local.get $out))
    ;; warm-up
    (local.set $n (i32.sub (local.get $half) (i32.const 1)))
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $c (i32.const 0))
        (block $row
          (loop $lane
            (br_if $row (i32.ge_u (local.get $c) (local.get $bytes)))
            (v128.store (i32.add (local.get $sums) (local.get $c))
              (f32x4.add (v128.load (i32.add (local.get $sums) (local.get $c)))
                (v128.load (i32.add (local.get $right) (local.get $c)))))
            (local.set $c (i32.add (local.get $c) (i32.const 16)))
            (br $lane)))
        (local.set $right (i32.add (local.get $right) (local.get $stride)))
        (local.set $count (i32.add (local.get $count) (i32.const 1)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $next)))
    ;; growing window
    (local.set $n (i32.add (i32.sub (local.get $window) (local.get $half)) (i32.const 1)))
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $count (i32.add (local.get $count) (i32.const 1)))
        (local.set $size (f32x4.splat (f32.convert_i32_u (local.get $count))))
        (local.set $c (i32.const 0))
        (block $row
          (loop $lane
            (br_if $row (i32.ge_u (local.get $c) (local.get $bytes)))
            (local.set $sum
              (f32x4.add (v128.load (i32.add (local.get $sums) (local.get $c)))
                (v128.load (i32.add (local.get $right) (local.get $c)))))
            (v128.store (i32.add (local.get $sums) (local.get $c)) (local.get $sum))
            (v128.store (i32.add (local.get $o) (local.get $c)) (f32x4.div (local.get $sum) (local.get $size)))
            (local.set $c (i32.add (local.get $c) (i32.const 16)))
            (br $lane)))
        (local.set $right (i32.add (local.get $right) (local.get $stride)))
        (local.set $o (i32.add (local.get $o) (local.get $stride)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $next)))
    ;; full window
    (local.set $n (i32.sub (local.get $rows) (local.get $window)))
    (local.set $size (f32x4.splat (f32.convert_i32_u (local.get $count))))
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $c (i32.const 0))
        (block $row
          (loop $lane
            (br_if $row (i32.ge_u (local.get $c) (local.get $bytes)))
            (local.set $sum
              (f32x4.sub
                (f32x4.add (v128.load (i32.add (local.get $sums) (local.get $c)))
                  (v128.load (i32.add (local.get $right) (local.get $c))))
                (v128.load (i32.add (local.get $left) (local.get $c)))))
            (v128.store (i32.add (local.get $sums) (local.get $c)) (local.get $sum))
            (v128.store (i32.add (local.get $o) (local.get $c)) (f32x4.div (local.get $sum) (local.get $size)))
            (local.set $c (i32.add (local.get $c) (i32.const 16)))
            (br $lane)))
        (local.set $right (i32.add (local.get $right) (local.get $stride)))
        (local.set $left (i32.add (local.get $left) (local.get $stride)))
        (local.set $o (i32.add (local.get $o) (local.get $stride)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $next)))
    ;; shrinking window
    (local.set $n (i32.sub (local.get $half) (i32.const 1)))
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $count (i32.sub (local.get $count) (i32.const 1)))
        (local.set $size (f32x4.splat (f32.convert_i32_u (local.get $count))))
        (local.set $c (i32.const 0))
        (block $row
          (loop $lane
            (br_if $row (i32.ge_u (local.get $c) (local.get $bytes)))
            (local.set $sum
              (f32x4.sub (v128.load (i32.add (local.get $sums) (local.get $c)))
                (v128.load (i32.add (local.get $left) (local.get $c)))))
            (v128.store (i32.add (local.get $sums) (local.get $c)) (local.get $sum))
            (v128.store (i32.add (local.get $o) (local.get $c)) (f32x4.div (local.get $sum) (local.get $size)))
            (local.set $c (i32.add (local.get $c) (i32.const 16)))
            (br $lane)))
        (local.set $left (i32.add (local.get $left) (local.get $stride)))
        (local.set $o (i32.add (local.get $o) (local.get $stride)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $next))))

  ;; The 16×16 DCT corner of a 64×64 buffer, as `dct64To16` (dct.ts): T = D·A into `scratch`
  ;; (16×64), then B = T·Dᵀ into `output` (16×16). `matrix` is D (16×64) and `transposed` is Dᵀ
  ;; (64×16), both float32 from JS. Each output sums its 64 float32 products in k order, four
  ;; neighbouring outputs per vector, so every value is the JS one bit for bit.
  (func (export "dct64To16") (param $input i32) (param $output i32) (param $scratch i32) (param $matrix i32)
    (param $transposed i32)
    (local $i i32) (local $j i32) (local $k i32) (local $sum v128) (local $row i32)
    ;; T[i][j] = Σk D[i][k]·A[k][j], j in fours
    (local.set $i (i32.const 0))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (i32.const 16)))
        (local.set $row (i32.add (local.get $matrix) (i32.shl (local.get $i) (i32.const 8))))
        (local.set $j (i32.const 0))
        (block $columns
          (loop $column
            (br_if $columns (i32.ge_u (local.get $j) (i32.const 256)))
            (local.set $sum (v128.const i32x4 0 0 0 0))
            (local.set $k (i32.const 0))
            (block $terms
              (loop $term
                (br_if $terms (i32.ge_u (local.get $k) (i32.const 64)))
                (local.set $sum
                  (f32x4.add (local.get $sum)
                    (f32x4.mul
                      (f32x4.splat (f32.load (i32.add (local.get $row) (i32.shl (local.get $k) (i32.const 2)))))
                      (v128.load (i32.add (local.get $input)
                        (i32.add (i32.shl (local.get $k) (i32.const 8)) (local.get $j)))))))
                (local.set $k (i32.add (local.get $k) (i32.const 1)))
                (br $term)))
            (v128.store (i32.add (i32.add (local.get $scratch) (i32.shl (local.get $i) (i32.const 8))) (local.get $j))
              (local.get $sum))
            (local.set $j (i32.add (local.get $j) (i32.const 16)))
            (br $column)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    ;; B[i][j] = Σk T[i][k]·D[j][k] = Σk T[i][k]·Dᵀ[k][j], j in fours
    (local.set $i (i32.const 0))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (i32.const 16)))
        (local.set $row (i32.add (local.get $scratch) (i32.shl (local.get $i) (i32.const 8))))
        (local.set $j (i32.const 0))
        (block $columns
          (loop $column
            (br_if $columns (i32.ge_u (local.get $j) (i32.const 64)))
            (local.set $sum (v128.const i32x4 0 0 0 0))
            (local.set $k (i32.const 0))
            (block $terms
              (loop $term
                (br_if $terms (i32.ge_u (local.get $k) (i32.const 64)))
                (local.set $sum
                  (f32x4.add (local.get $sum)
                    (f32x4.mul
                      (f32x4.splat (f32.load (i32.add (local.get $row) (i32.shl (local.get $k) (i32.const 2)))))
                      (v128.load (i32.add (local.get $transposed)
                        (i32.add (i32.shl (local.get $k) (i32.const 6)) (local.get $j)))))))
                (local.set $k (i32.add (local.get $k) (i32.const 1)))
                (br $term)))
            (v128.store (i32.add (i32.add (local.get $output) (i32.shl (local.get $i) (i32.const 6))) (local.get $j))
              (local.get $sum))
            (local.set $j (i32.add (local.get $j) (i32.const 16)))
            (br $column)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next))))

  ;; Copies the 64 columns listed (as int32 indices) at `indices` out of `in` (rows × cols) into
  ;; `out` (rows × 64), so the last vertical pass runs on the sampled columns only.
  (func (export "gatherColumns") (param $in i32) (param $out i32) (param $rows i32) (param $cols i32) (param $indices i32)
    (local $row i32) (local $j i32) (local $stride i32)
    (local.set $stride (i32.shl (local.get $cols) (i32.const 2)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $row) (local.get $rows)))
        (local.set $j (i32.const 0))
        (block $row
          (loop $column
            (br_if $row (i32.ge_u (local.get $j) (i32.const 256)))
            (f32.store (i32.add (local.get $out) (local.get $j))
              (f32.load (i32.add (local.get $in)
                (i32.shl (i32.load (i32.add (local.get $indices) (local.get $j))) (i32.const 2)))))
            (local.set $j (i32.add (local.get $j) (i32.const 4)))
            (br $column)))
        (local.set $in (i32.add (local.get $in) (local.get $stride)))
        (local.set $out (i32.add (local.get $out) (i32.const 256)))
        (local.set $row (i32.add (local.get $row) (i32.const 1)))
        (br $next))))

  ;; Integer luma of `count` interleaved RGB pixels at `src` into bytes at `dst`: (77·R + 150·G +
  ;; 29·B) >> 8, the cheap luma of the stream views' searches (not PDQ's: `lumaBytes` in JS). The
  ;; weighted sum is at most 65,280, so 16-bit lanes hold it exactly. Eight pixels (24 bytes) per
  ;; step from two overlapping 16-byte loads; no byte past the last pixel is read.
  (func (export "lumaBytes") (param $src i32) (param $dst i32) (param $count i32)
    (local $i i32) (local $end i32) (local $a v128) (local $b v128)
    (local.set $end (i32.and (local.get $count) (i32.const -8)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $a (v128.load (local.get $src)))
        (local.set $b (v128.load offset=8 (local.get $src)))
        (v128.store64_lane 0 (local.get $dst)
          (i8x16.narrow_i16x8_u
            (i16x8.shr_u
              (i16x8.add
                (i16x8.add
                  (i16x8.mul (i16x8.splat (i32.const 77))
                    (i16x8.extend_low_i8x16_u
                      (i8x16.shuffle 0 3 6 9 12 15 26 29 0 0 0 0 0 0 0 0 (local.get $a) (local.get $b))))
                  (i16x8.mul (i16x8.splat (i32.const 150))
                    (i16x8.extend_low_i8x16_u
                      (i8x16.shuffle 1 4 7 10 13 24 27 30 0 0 0 0 0 0 0 0 (local.get $a) (local.get $b)))))
                (i16x8.mul (i16x8.splat (i32.const 29))
                  (i16x8.extend_low_i8x16_u
                    (i8x16.shuffle 2 5 8 11 14 25 28 31 0 0 0 0 0 0 0 0 (local.get $a) (local.get $b)))))
              (i32.const 8))
            (local.get $a)))
        (local.set $src (i32.add (local.get $src) (i32.const 24)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 8)))
        (local.set $i (i32.add (local.get $i) (i32.const 8)))
        (br $next)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $count)))
        (i32.store8 (local.get $dst)
          (i32.shr_u
            (i32.add
              (i32.add
                (i32.mul (i32.const 77) (i32.load8_u (local.get $src)))
                (i32.mul (i32.const 150) (i32.load8_u offset=1 (local.get $src))))
              (i32.mul (i32.const 29) (i32.load8_u offset=2 (local.get $src))))
            (i32.const 8)))
        (local.set $src (i32.add (local.get $src) (i32.const 3)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 1)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next))))

  ;; Step mask of `count` bytes at `src` into `dst`: dst[i] = 1 when |src[i] − src[i − 2]| ≥
  ;; `step`, else 0, for i ≥ 2 (dst[0] and dst[1] are 0). Sixteen bytes per step.
  (func (export "stepMask") (param $src i32) (param $dst i32) (param $count i32) (param $step i32)
    (local $i i32) (local $a v128) (local $b v128) (local $below v128) (local $one v128)
    (local.set $below (i8x16.splat (i32.sub (local.get $step) (i32.const 1))))
    (local.set $one (i8x16.splat (i32.const 1)))
    (i32.store16 (local.get $dst) (i32.const 0))
    (local.set $i (i32.const 2))
    (block $done
      (loop $next
        (br_if $done (i32.gt_u (i32.add (local.get $i) (i32.const 16)) (local.get $count)))
        (local.set $a (v128.load (i32.add (local.get $src) (local.get $i))))
        (local.set $b (v128.load (i32.sub (i32.add (local.get $src) (local.get $i)) (i32.const 2))))
        (v128.store (i32.add (local.get $dst) (local.get $i))
          (v128.and (local.get $one)
            (i8x16.gt_u
              (v128.or (i8x16.sub_sat_u (local.get $a) (local.get $b)) (i8x16.sub_sat_u (local.get $b) (local.get $a)))
              (local.get $below))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $next)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $i) (local.get $count)))
        (local.set $a (i8x16.splat (i32.load8_u (i32.add (local.get $src) (local.get $i)))))
        (local.set $b (i8x16.splat (i32.load8_u (i32.sub (i32.add (local.get $src) (local.get $i)) (i32.const 2)))))
        (i32.store8 (i32.add (local.get $dst) (local.get $i))
          (i8x16.extract_lane_u 0
            (v128.and (local.get $one)
              (i8x16.gt_u
                (v128.or (i8x16.sub_sat_u (local.get $a) (local.get $b)) (i8x16.sub_sat_u (local.get $b) (local.get $a)))
                (local.get $below)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next))))
)
