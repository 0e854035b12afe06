;; The fused scorer's SIMD kernel (fused-scorer.ts). Compiled by packages/nlp/scripts/build-scorer-wasm.ts into
;; fused-scorer-wasm.ts: edit this file, then rerun that script.
;;
;; Memory (imported, sized by the caller): the Int16 weight table, `stride` outputs per bucket row, then scratch space
;; for a chunk of a sparse vector (its indices, i32, and values, f32) and `stride` f64 totals.
;;
;; The features of a text come in runs sharing one value (every word n-gram 1/sqrt(words), every character n-gram
;; 1/sqrt(chars)). For each run of consecutive equal values the kernel sums the rows' Int16 weights as integers, which
;; is exact: the caller passes at most a few thousand features per call, so |sum| <= n * 32767 fits an i32. Then it adds
;; sum * value to the f64 totals: one multiply per output per run instead of one per feature. Outputs are taken 16 at
;; a time (two v128 per row, 4 i32x4 and 8 f64x2 accumulators in locals), then a last 8 when `stride` is an odd
;; multiple of 8.
(module
  (import "env" "memory" (memory 1))

  ;; totals[k] += Σ_i value[i] * table[(index[i] & mask) * stride + k] for the `n` features at `indices` (i32) and
  ;; `values` (f32); `strideBytes` is the row size in bytes (a multiple of 16), `totals` an f64 per output.
  (func (export "accumulate")
    (param $indices i32) (param $values i32) (param $n i32) (param $mask i32) (param $strideBytes i32) (param $totals i32)
    (local $k i32) (local $o i32) (local $end i32) (local $r i32) (local $at i32)
    (local $value f32) (local $factor v128) (local $w v128)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local $t0 v128) (local $t1 v128) (local $t2 v128) (local $t3 v128)
    (local $t4 v128) (local $t5 v128) (local $t6 v128) (local $t7 v128)
    ;; Features are walked by byte offset `o` (4 bytes each in both arrays).
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))

    ;; 16 outputs (32 bytes of each row) per pass.
    (block $pairsDone
      (loop $pairs
        (br_if $pairsDone (i32.gt_u (i32.add (local.get $k) (i32.const 32)) (local.get $strideBytes)))
        ;; This pass's totals: k bytes into a row is output k/2, at byte k/2 * 8 of the totals.
        (local.set $at (i32.add (local.get $totals) (i32.shl (local.get $k) (i32.const 2))))
        (local.set $t0 (v128.load offset=0 (local.get $at)))
        (local.set $t1 (v128.load offset=16 (local.get $at)))
        (local.set $t2 (v128.load offset=32 (local.get $at)))
        (local.set $t3 (v128.load offset=48 (local.get $at)))
        (local.set $t4 (v128.load offset=64 (local.get $at)))
        (local.set $t5 (v128.load offset=80 (local.get $at)))
        (local.set $t6 (v128.load offset=96 (local.get $at)))
        (local.set $t7 (v128.load offset=112 (local.get $at)))
        (local.set $o (i32.const 0))
        (block $runsDone
          (loop $eachRun
            (br_if $runsDone (i32.ge_u (local.get $o) (local.get $end)))
            (local.set $value (f32.load (i32.add (local.get $values) (local.get $o))))
            (local.set $a0 (v128.const i32x4 0 0 0 0))
            (local.set $a1 (v128.const i32x4 0 0 0 0))
            (local.set $a2 (v128.const i32x4 0 0 0 0))
            (local.set $a3 (v128.const i32x4 0 0 0 0))
            (loop $eachRow
              (local.set $r (i32.add (local.get $k)
                (i32.mul (i32.and (i32.load (i32.add (local.get $indices) (local.get $o))) (local.get $mask)) (local.get $strideBytes))))
              (local.set $w (v128.load offset=0 (local.get $r)))
              (local.set $a0 (i32x4.add (local.get $a0) (i32x4.extend_low_i16x8_s (local.get $w))))
              (local.set $a1 (i32x4.add (local.get $a1) (i32x4.extend_high_i16x8_s (local.get $w))))
              (local.set $w (v128.load offset=16 (local.get $r)))
              (local.set $a2 (i32x4.add (local.get $a2) (i32x4.extend_low_i16x8_s (local.get $w))))
              (local.set $a3 (i32x4.add (local.get $a3) (i32x4.extend_high_i16x8_s (local.get $w))))
              (local.set $o (i32.add (local.get $o) (i32.const 4)))
              ;; The run goes on while the next value is equal (f32.eq: a NaN is a run of its own).
              (if (i32.lt_u (local.get $o) (local.get $end))
                (then (br_if $eachRow (f32.eq (f32.load (i32.add (local.get $values) (local.get $o))) (local.get $value))))))
            ;; totals += sums * value, two outputs per f64x2 (the high i32 pair moved down to convert it).
            (local.set $factor (f64x2.splat (f64.promote_f32 (local.get $value))))
            (local.set $t0 (f64x2.add (local.get $t0) (f64x2.mul (local.get $factor) (f64x2.convert_low_i32x4_s (local.get $a0)))))
            (local.set $t1 (f64x2.add (local.get $t1) (f64x2.mul (local.get $factor) (f64x2.convert_low_i32x4_s
              (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $a0) (local.get $a0))))))
            (local.set $t2 (f64x2.add (local.get $t2) (f64x2.mul (local.get $factor) (f64x2.convert_low_i32x4_s (local.get $a1)))))
            (local.set $t3 (f64x2.add (local.get $t3) (f64x2.mul (local.get $factor) (f64x2.convert_low_i32x4_s
              (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $a1) (local.get $a1))))))
            (local.set $t4 (f64x2.add (local.get $t4) (f64x2.mul (local.get $factor) (f64x2.convert_low_i32x4_s (local.get $a2)))))
            (local.set $t5 (f64x2.add (local.get $t5) (f64x2.mul (local.get $factor) (f64x2.convert_low_i32x4_s
              (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $a2) (local.get $a2))))))
            (local.set $t6 (f64x2.add (local.get $t6) (f64x2.mul (local.get $factor) (f64x2.convert_low_i32x4_s (local.get $a3)))))
            (local.set $t7 (f64x2.add (local.get $t7) (f64x2.mul (local.get $factor) (f64x2.convert_low_i32x4_s
              (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $a3) (local.get $a3))))))
            (br $eachRun)))
        (v128.store offset=0 (local.get $at) (local.get $t0))
        (v128.store offset=16 (local.get $at) (local.get $t1))
        (v128.store offset=32 (local.get $at) (local.get $t2))
        (v128.store offset=48 (local.get $at) (local.get $t3))
        (v128.store offset=64 (local.get $at) (local.get $t4))
        (v128.store offset=80 (local.get $at) (local.get $t5))
        (v128.store offset=96 (local.get $at) (local.get $t6))
        (v128.store offset=112 (local.get $at) (local.get $t7))
        (local.set $k (i32.add (local.get $k) (i32.const 32)))
        (br $pairs)))

    ;; The last 8 outputs (16 bytes of each row), when 8 are left: the same walk with half the accumulators.
    (if (i32.lt_u (local.get $k) (local.get $strideBytes))
      (then
        (local.set $at (i32.add (local.get $totals) (i32.shl (local.get $k) (i32.const 2))))
        (local.set $t0 (v128.load offset=0 (local.get $at)))
        (local.set $t1 (v128.load offset=16 (local.get $at)))
        (local.set $t2 (v128.load offset=32 (local.get $at)))
        (local.set $t3 (v128.load offset=48 (local.get $at)))
        (local.set $o (i32.const 0))
        (block $runsDone
          (loop $eachRun
            (br_if $runsDone (i32.ge_u (local.get $o) (local.get $end)))
            (local.set $value (f32.load (i32.add (local.get $values) (local.get $o))))
            (local.set $a0 (v128.const i32x4 0 0 0 0))
            (local.set $a1 (v128.const i32x4 0 0 0 0))
            (loop $eachRow
              (local.set $w (v128.load (i32.add (local.get $k)
                (i32.mul (i32.and (i32.load (i32.add (local.get $indices) (local.get $o))) (local.get $mask)) (local.get $strideBytes)))))
              (local.set $a0 (i32x4.add (local.get $a0) (i32x4.extend_low_i16x8_s (local.get $w))))
              (local.set $a1 (i32x4.add (local.get $a1) (i32x4.extend_high_i16x8_s (local.get $w))))
              (local.set $o (i32.add (local.get $o) (i32.const 4)))
              (if (i32.lt_u (local.get $o) (local.get $end))
                (then (br_if $eachRow (f32.eq (f32.load (i32.add (local.get $values) (local.get $o))) (local.get $value))))))
            (local.set $factor (f64x2.splat (f64.promote_f32 (local.get $value))))
            (local.set $t0 (f64x2.add (local.get $t0) (f64x2.mul (local.get $factor) (f64x2.convert_low_i32x4_s (local.get $a0)))))
            (local.set $t1 (f64x2.add (local.get $t1) (f64x2.mul (local.get $factor) (f64x2.convert_low_i32x4_s
              (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $a0) (local.get $a0))))))
            (local.set $t2 (f64x2.add (local.get $t2) (f64x2.mul (local.get $factor) (f64x2.convert_low_i32x4_s (local.get $a1)))))
            (local.set $t3 (f64x2.add (local.get $t3) (f64x2.mul (local.get $factor) (f64x2.convert_low_i32x4_s
              (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $a1) (local.get $a1))))))
            (br $eachRun)))
        (v128.store offset=0 (local.get $at) (local.get $t0))
        (v128.store offset=16 (local.get $at) (local.get $t1))
        (v128.store offset=32 (local.get $at) (local.get $t2))
        (v128.store offset=48 (local.get $at) (local.get $t3))))))
