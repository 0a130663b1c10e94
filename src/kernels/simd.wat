;; SIMD loops of the kit's fused kernels, run on the wasm backend's own memory
;; (imported, so tensors are read and written where tfjs keeps them). Every
;; pointer is a byte offset into that memory; matrices are row-major with
;; `cols` float32 columns, and the column loops go four features at a time, so
;; `cols` must be a multiple of 4 (the caller checks, else it uses the scalar
;; JavaScript kernels). Arithmetic is float32, as tfjs's own kernels.
;; Built by scripts/build-simd.mjs into src/kernels/simd-binary.ts.
(module
  (import "env" "memory" (memory 1))

  ;; RMSProp (tfjs's, not centred) over n parameters:
  ;; ms <- decay*ms + (1-decay)*g*g; mom <- momentum*mom + lr*g/sqrt(ms+eps);
  ;; out <- w - mom. ms and mom are written in place.
  (func (export "rmsprop")
    (param $w i32) (param $g i32) (param $ms i32) (param $mom i32) (param $out i32) (param $n i32)
    (param $lr f32) (param $decay f32) (param $momentum f32) (param $eps f32)
    (local $i i32) (local $end i32) (local $keep f32)
    (local $gv v128) (local $s v128) (local $v v128)
    (local $vlr v128) (local $vdecay v128) (local $vkeep v128) (local $vmomentum v128) (local $veps v128)
    (local $gs f32) (local $ss f32) (local $vs f32)
    (local.set $keep (f32.sub (f32.const 1) (local.get $decay)))
    (local.set $vlr (f32x4.splat (local.get $lr)))
    (local.set $vdecay (f32x4.splat (local.get $decay)))
    (local.set $vkeep (f32x4.splat (local.get $keep)))
    (local.set $vmomentum (f32x4.splat (local.get $momentum)))
    (local.set $veps (f32x4.splat (local.get $eps)))
    (local.set $end (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2)))
    (block $done
      (loop $loop
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $gv (v128.load (i32.add (local.get $g) (local.get $i))))
        (local.set $s
          (f32x4.add
            (f32x4.mul (v128.load (i32.add (local.get $ms) (local.get $i))) (local.get $vdecay))
            (f32x4.mul (f32x4.mul (local.get $gv) (local.get $gv)) (local.get $vkeep))))
        (v128.store (i32.add (local.get $ms) (local.get $i)) (local.get $s))
        (local.set $v
          (f32x4.add
            (f32x4.mul (v128.load (i32.add (local.get $mom) (local.get $i))) (local.get $vmomentum))
            (f32x4.div (f32x4.mul (local.get $gv) (local.get $vlr)) (f32x4.sqrt (f32x4.add (local.get $s) (local.get $veps))))))
        (v128.store (i32.add (local.get $mom) (local.get $i)) (local.get $v))
        (v128.store (i32.add (local.get $out) (local.get $i))
          (f32x4.sub (v128.load (i32.add (local.get $w) (local.get $i))) (local.get $v)))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $loop)))
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (block $tail_done
      (loop $tail
        (br_if $tail_done (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $gs (f32.load (i32.add (local.get $g) (local.get $i))))
        (local.set $ss
          (f32.add
            (f32.mul (f32.load (i32.add (local.get $ms) (local.get $i))) (local.get $decay))
            (f32.mul (f32.mul (local.get $gs) (local.get $gs)) (local.get $keep))))
        (f32.store (i32.add (local.get $ms) (local.get $i)) (local.get $ss))
        (local.set $vs
          (f32.add
            (f32.mul (f32.load (i32.add (local.get $mom) (local.get $i))) (local.get $momentum))
            (f32.div (f32.mul (local.get $gs) (local.get $lr)) (f32.sqrt (f32.add (local.get $ss) (local.get $eps))))))
        (f32.store (i32.add (local.get $mom) (local.get $i)) (local.get $vs))
        (f32.store (i32.add (local.get $out) (local.get $i))
          (f32.sub (f32.load (i32.add (local.get $w) (local.get $i))) (local.get $vs)))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $tail))))

  ;; Exponential moving average over n values: out <- s - (s - v)*keep, with
  ;; keep = 1 - decay (the shadow s moves toward the value v).
  (func (export "ema")
    (param $s i32) (param $v i32) (param $out i32) (param $n i32) (param $keep f32)
    (local $i i32) (local $end i32) (local $vkeep v128) (local $a v128) (local $as f32)
    (local.set $vkeep (f32x4.splat (local.get $keep)))
    (local.set $end (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2)))
    (block $done
      (loop $loop
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $a (v128.load (i32.add (local.get $s) (local.get $i))))
        (v128.store (i32.add (local.get $out) (local.get $i))
          (f32x4.sub (local.get $a)
            (f32x4.mul (f32x4.sub (local.get $a) (v128.load (i32.add (local.get $v) (local.get $i)))) (local.get $vkeep))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $loop)))
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (block $tail_done
      (loop $tail
        (br_if $tail_done (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $as (f32.load (i32.add (local.get $s) (local.get $i))))
        (f32.store (i32.add (local.get $out) (local.get $i))
          (f32.sub (local.get $as)
            (f32.mul (f32.sub (local.get $as) (f32.load (i32.add (local.get $v) (local.get $i)))) (local.get $keep))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $tail))))

  ;; out[c] = sum over rows of x[r][c], divided by rows.
  (func (export "col_mean") (param $x i32) (param $rows i32) (param $cols i32) (param $out i32)
    (local $c i32) (local $r i32) (local $p i32) (local $acc v128) (local $stride i32) (local $cend i32) (local $n v128)
    (local.set $stride (i32.shl (local.get $cols) (i32.const 2)))
    (local.set $n (f32x4.splat (f32.convert_i32_u (local.get $rows))))
    (block $cdone
      (loop $cloop
        (br_if $cdone (i32.ge_u (local.get $c) (local.get $stride)))
        (local.set $acc (v128.const f32x4 0 0 0 0))
        (local.set $p (i32.add (local.get $x) (local.get $c)))
        (local.set $r (i32.const 0))
        (block $rdone
          (loop $rloop
            (br_if $rdone (i32.ge_u (local.get $r) (local.get $rows)))
            (local.set $acc (f32x4.add (local.get $acc) (v128.load (local.get $p))))
            (local.set $p (i32.add (local.get $p) (local.get $stride)))
            (local.set $r (i32.add (local.get $r) (i32.const 1)))
            (br $rloop)))
        (v128.store (i32.add (local.get $out) (local.get $c)) (f32x4.div (local.get $acc) (local.get $n)))
        (local.set $c (i32.add (local.get $c) (i32.const 16)))
        (br $cloop))))

  ;; out[c] = sum over rows of (x[r][c] - mean[c])^2, divided by rows.
  (func (export "col_var") (param $x i32) (param $rows i32) (param $cols i32) (param $mean i32) (param $out i32)
    (local $c i32) (local $r i32) (local $p i32) (local $acc v128) (local $stride i32) (local $n v128) (local $m v128) (local $d v128)
    (local.set $stride (i32.shl (local.get $cols) (i32.const 2)))
    (local.set $n (f32x4.splat (f32.convert_i32_u (local.get $rows))))
    (block $cdone
      (loop $cloop
        (br_if $cdone (i32.ge_u (local.get $c) (local.get $stride)))
        (local.set $acc (v128.const f32x4 0 0 0 0))
        (local.set $m (v128.load (i32.add (local.get $mean) (local.get $c))))
        (local.set $p (i32.add (local.get $x) (local.get $c)))
        (local.set $r (i32.const 0))
        (block $rdone
          (loop $rloop
            (br_if $rdone (i32.ge_u (local.get $r) (local.get $rows)))
            (local.set $d (f32x4.sub (v128.load (local.get $p)) (local.get $m)))
            (local.set $acc (f32x4.add (local.get $acc) (f32x4.mul (local.get $d) (local.get $d))))
            (local.set $p (i32.add (local.get $p) (local.get $stride)))
            (local.set $r (i32.add (local.get $r) (i32.const 1)))
            (br $rloop)))
        (v128.store (i32.add (local.get $out) (local.get $c)) (f32x4.div (local.get $acc) (local.get $n)))
        (local.set $c (i32.add (local.get $c) (i32.const 16)))
        (br $cloop))))

  ;; For rows r and columns c: xh = (x - mean)*inv; y = max(xh*scale + shift, 0);
  ;; xhat[r][c] = xh, out[r][c] = y, outT[c*ldT + r] = y (outT already offset to the first row).
  (func (export "norm_relu")
    (param $x i32) (param $rows i32) (param $cols i32) (param $mean i32) (param $inv i32) (param $scale i32) (param $shift i32)
    (param $out i32) (param $xhat i32) (param $outT i32) (param $ldT i32)
    (local $r i32) (local $c i32) (local $o i32) (local $stride i32) (local $xh v128) (local $y v128) (local $t i32) (local $ld i32)
    (local.set $stride (i32.shl (local.get $cols) (i32.const 2)))
    (local.set $ld (i32.shl (local.get $ldT) (i32.const 2)))
    (block $rdone
      (loop $rloop
        (br_if $rdone (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $c (i32.const 0))
        (block $cdone
          (loop $cloop
            (br_if $cdone (i32.ge_u (local.get $c) (local.get $stride)))
            (local.set $o (i32.add (i32.mul (local.get $r) (local.get $stride)) (local.get $c)))
            (local.set $xh
              (f32x4.mul
                (f32x4.sub (v128.load (i32.add (local.get $x) (local.get $o))) (v128.load (i32.add (local.get $mean) (local.get $c))))
                (v128.load (i32.add (local.get $inv) (local.get $c)))))
            (v128.store (i32.add (local.get $xhat) (local.get $o)) (local.get $xh))
            (local.set $y
              (f32x4.max
                (f32x4.add (f32x4.mul (local.get $xh) (v128.load (i32.add (local.get $scale) (local.get $c)))) (v128.load (i32.add (local.get $shift) (local.get $c))))
                (v128.const f32x4 0 0 0 0)))
            (v128.store (i32.add (local.get $out) (local.get $o)) (local.get $y))
            ;; outT[(c/4*4 + lane)*ldT + r]: column c (in bytes, c = 4*cidx*4) -> row cidx of outT.
            (local.set $t (i32.add (i32.add (local.get $outT) (i32.shl (local.get $r) (i32.const 2))) (i32.mul (i32.shr_u (local.get $c) (i32.const 2)) (local.get $ld))))
            (f32.store (local.get $t) (f32x4.extract_lane 0 (local.get $y)))
            (f32.store (i32.add (local.get $t) (local.get $ld)) (f32x4.extract_lane 1 (local.get $y)))
            (f32.store (i32.add (local.get $t) (i32.shl (local.get $ld) (i32.const 1))) (f32x4.extract_lane 2 (local.get $y)))
            (f32.store (i32.add (local.get $t) (i32.mul (local.get $ld) (i32.const 3))) (f32x4.extract_lane 3 (local.get $y)))
            (local.set $c (i32.add (local.get $c) (i32.const 16)))
            (br $cloop)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rloop))))

  ;; With g = dy where y > 0, else 0: sumG[c] = sum over rows of g, sumGX[c] = sum of g*xhat.
  (func (export "masked_col_sums")
    (param $dy i32) (param $y i32) (param $xhat i32) (param $rows i32) (param $cols i32) (param $sumG i32) (param $sumGX i32)
    (local $c i32) (local $r i32) (local $o i32) (local $stride i32) (local $g v128) (local $a v128) (local $b v128)
    (local.set $stride (i32.shl (local.get $cols) (i32.const 2)))
    (block $cdone
      (loop $cloop
        (br_if $cdone (i32.ge_u (local.get $c) (local.get $stride)))
        (local.set $a (v128.const f32x4 0 0 0 0))
        (local.set $b (v128.const f32x4 0 0 0 0))
        (local.set $o (local.get $c))
        (local.set $r (i32.const 0))
        (block $rdone
          (loop $rloop
            (br_if $rdone (i32.ge_u (local.get $r) (local.get $rows)))
            (local.set $g
              (v128.and
                (v128.load (i32.add (local.get $dy) (local.get $o)))
                (f32x4.gt (v128.load (i32.add (local.get $y) (local.get $o))) (v128.const f32x4 0 0 0 0))))
            (local.set $a (f32x4.add (local.get $a) (local.get $g)))
            (local.set $b (f32x4.add (local.get $b) (f32x4.mul (local.get $g) (v128.load (i32.add (local.get $xhat) (local.get $o))))))
            (local.set $o (i32.add (local.get $o) (local.get $stride)))
            (local.set $r (i32.add (local.get $r) (i32.const 1)))
            (br $rloop)))
        (v128.store (i32.add (local.get $sumG) (local.get $c)) (local.get $a))
        (v128.store (i32.add (local.get $sumGX) (local.get $c)) (local.get $b))
        (local.set $c (i32.add (local.get $c) (i32.const 16)))
        (br $cloop))))

  ;; dx[r][c] = k[c]*(g - meanG[c] - xhat[r][c]*meanGX[c]), g = dy where y > 0, else 0.
  (func (export "masked_dx")
    (param $dy i32) (param $y i32) (param $xhat i32) (param $rows i32) (param $cols i32)
    (param $k i32) (param $meanG i32) (param $meanGX i32) (param $dx i32)
    (local $c i32) (local $r i32) (local $o i32) (local $stride i32) (local $g v128)
    (local.set $stride (i32.shl (local.get $cols) (i32.const 2)))
    (block $rdone
      (loop $rloop
        (br_if $rdone (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $c (i32.const 0))
        (block $cdone
          (loop $cloop
            (br_if $cdone (i32.ge_u (local.get $c) (local.get $stride)))
            (local.set $o (i32.add (i32.mul (local.get $r) (local.get $stride)) (local.get $c)))
            (local.set $g
              (v128.and
                (v128.load (i32.add (local.get $dy) (local.get $o)))
                (f32x4.gt (v128.load (i32.add (local.get $y) (local.get $o))) (v128.const f32x4 0 0 0 0))))
            (v128.store (i32.add (local.get $dx) (local.get $o))
              (f32x4.mul
                (v128.load (i32.add (local.get $k) (local.get $c)))
                (f32x4.sub
                  (f32x4.sub (local.get $g) (v128.load (i32.add (local.get $meanG) (local.get $c))))
                  (f32x4.mul (v128.load (i32.add (local.get $xhat) (local.get $o))) (v128.load (i32.add (local.get $meanGX) (local.get $c)))))))
            (local.set $c (i32.add (local.get $c) (i32.const 16)))
            (br $cloop)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rloop))))

  ;; norm_relu without the transposed copy: xhat[r][c] = (x - mean)*inv; out[r][c] = max(xhat*scale + shift, 0).
  (func (export "norm_relu_nt")
    (param $x i32) (param $rows i32) (param $cols i32) (param $mean i32) (param $inv i32) (param $scale i32) (param $shift i32)
    (param $out i32) (param $xhat i32)
    (local $o i32) (local $end i32) (local $c i32) (local $stride i32) (local $xh v128)
    (local.set $stride (i32.shl (local.get $cols) (i32.const 2)))
    (local.set $end (i32.mul (local.get $rows) (local.get $stride)))
    (block $done
      (loop $each
        (br_if $done (i32.ge_u (local.get $o) (local.get $end)))
        (local.set $xh
          (f32x4.mul
            (f32x4.sub (v128.load (i32.add (local.get $x) (local.get $o))) (v128.load (i32.add (local.get $mean) (local.get $c))))
            (v128.load (i32.add (local.get $inv) (local.get $c)))))
        (v128.store (i32.add (local.get $xhat) (local.get $o)) (local.get $xh))
        (v128.store (i32.add (local.get $out) (local.get $o))
          (f32x4.max
            (f32x4.add (f32x4.mul (local.get $xh) (v128.load (i32.add (local.get $scale) (local.get $c)))) (v128.load (i32.add (local.get $shift) (local.get $c))))
            (v128.const f32x4 0 0 0 0)))
        (local.set $o (i32.add (local.get $o) (i32.const 16)))
        ;; the column wraps at the end of each row
        (local.set $c (i32.add (local.get $c) (i32.const 16)))
        (if (i32.eq (local.get $c) (local.get $stride)) (then (local.set $c (i32.const 0))))
        (br $each))))

  ;; dx[r][c] = g*k[c] - p[c] - xhat[r][c]*q[c], g = dy where y > 0, else 0 (group normalization's backward).
  (func (export "masked_dx_affine")
    (param $dy i32) (param $y i32) (param $xhat i32) (param $rows i32) (param $cols i32)
    (param $k i32) (param $p i32) (param $q i32) (param $dx i32)
    (local $o i32) (local $end i32) (local $c i32) (local $stride i32) (local $g v128)
    (local.set $stride (i32.shl (local.get $cols) (i32.const 2)))
    (local.set $end (i32.mul (local.get $rows) (local.get $stride)))
    (block $done
      (loop $each
        (br_if $done (i32.ge_u (local.get $o) (local.get $end)))
        (local.set $g
          (v128.and
            (v128.load (i32.add (local.get $dy) (local.get $o)))
            (f32x4.gt (v128.load (i32.add (local.get $y) (local.get $o))) (v128.const f32x4 0 0 0 0))))
        (v128.store (i32.add (local.get $dx) (local.get $o))
          (f32x4.sub
            (f32x4.sub
              (f32x4.mul (local.get $g) (v128.load (i32.add (local.get $k) (local.get $c))))
              (v128.load (i32.add (local.get $p) (local.get $c))))
            (f32x4.mul (v128.load (i32.add (local.get $xhat) (local.get $o))) (v128.load (i32.add (local.get $q) (local.get $c))))))
        (local.set $o (i32.add (local.get $o) (i32.const 16)))
        ;; the column wraps at the end of each row
        (local.set $c (i32.add (local.get $c) (i32.const 16)))
        (if (i32.eq (local.get $c) (local.get $stride)) (then (local.set $c (i32.const 0))))
        (br $each))))
)
