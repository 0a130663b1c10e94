;; SIMD loops of the kit's fused kernels, run on the wasm backend's own memory
;; (imported, so tensors are read and written where tfjs keeps them). Every
;; pointer is a byte offset into that memory; matrices are row-major with
;; `cols` float32 columns, and the column loops go four features at a time, so
;; `cols` must be a multiple of 4 (the caller checks, else it uses the scalar
;; JavaScript kernels). Arithmetic is float32, as tfjs's own kernels.
;; Built by scripts/build-simd.mjs into src/kernels/simd-binary.ts.
(module
  (import "env" "memory" (memory 1))
  ;; Set by gemm_acc for one call: the tiles start from C instead of zero.
  (global $accumulate (mut i32) (i32.const 0))

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

  ;; C <- C + A*B, otherwise as gemm: each element is C's value, then the
  ;; products over k added in order (the convolutions sum their taps so).
  (func (export "gemm_acc")
    (param $a i32) (param $b i32) (param $c i32) (param $m i32) (param $k i32) (param $n i32)
    (param $arow i32) (param $ak i32)
    (global.set $accumulate (i32.const 1))
    (call $gemm (local.get $a) (local.get $b) (local.get $c) (local.get $m) (local.get $k) (local.get $n)
      (local.get $arow) (local.get $ak))
    (global.set $accumulate (i32.const 0)))

  ;; C <- A*B for A [m, k], B [k, n] and C [m, n], B and C row-major and A
  ;; read through strides (in floats): element (i, k) of A is at
  ;; i*$arow + k*$ak, so A row-major is ($arow, $ak) = (k, 1) and A stored
  ;; transposed, [k, m], is (1, m). Neither operand is packed (tfjs's matMul
  ;; packs B on every call, and in training both operands are new at every
  ;; step). Each element is the sum over k in order, a product then an add in
  ;; float32, from zero: what XNNPACK's kernels behind tfjs's matMul compute,
  ;; so the results are the same bits. Tiles of 4 rows by 8 columns, then 4
  ;; columns, then one; leftover rows one at a time.
  (func $gemm (export "gemm")
    (param $a i32) (param $b i32) (param $c i32) (param $m i32) (param $k i32) (param $n i32)
    (param $arow i32) (param $ak i32)
    (local $i i32)
    (local.set $arow (i32.shl (local.get $arow) (i32.const 2)))
    (local.set $ak (i32.shl (local.get $ak) (i32.const 2)))
    (block $done4
      (loop $rows4
        (br_if $done4 (i32.gt_u (i32.add (local.get $i) (i32.const 4)) (local.get $m)))
        (call $gemm_rows4
          (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $arow)))
          (local.get $b)
          (i32.add (local.get $c) (i32.shl (i32.mul (local.get $i) (local.get $n)) (i32.const 2)))
          (local.get $k) (local.get $n) (local.get $arow) (local.get $ak))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $rows4)))
    (block $done1
      (loop $rows1
        (br_if $done1 (i32.ge_u (local.get $i) (local.get $m)))
        (call $gemm_row
          (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $arow)))
          (local.get $b)
          (i32.add (local.get $c) (i32.shl (i32.mul (local.get $i) (local.get $n)) (i32.const 2)))
          (local.get $k) (local.get $n) (local.get $ak))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $rows1))))

  ;; Four rows of C: a points at row 0 of the four in A, c at row 0 in C;
  ;; $arow and $ak are A's strides in bytes.
  (func $gemm_rows4
    (param $a i32) (param $b i32) (param $c i32) (param $k i32) (param $n i32) (param $arow i32) (param $ak i32)
    (local $lda i32) (local $ldb i32) (local $a2 i32) (local $a3 i32) (local $j i32) (local $jend i32)
    (local $pa i32) (local $pb i32) (local $aend i32)
    (local $b0 v128) (local $b1 v128) (local $s v128)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128)
    (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (local $x0 f32) (local $x1 f32) (local $x2 f32) (local $x3 f32) (local $bs f32)
    (local.set $lda (local.get $arow))
    (local.set $a2 (i32.shl (local.get $arow) (i32.const 1)))
    (local.set $a3 (i32.mul (local.get $arow) (i32.const 3)))
    (local.set $ldb (i32.shl (local.get $n) (i32.const 2)))
    ;; 8 columns at a time
    (local.set $jend (i32.shl (i32.and (local.get $n) (i32.const -8)) (i32.const 2)))
    (block $done8
      (loop $cols8
        (br_if $done8 (i32.ge_u (local.get $j) (local.get $jend)))
        (if (global.get $accumulate)
          (then
            (local.set $pb (i32.add (local.get $c) (local.get $j)))
            (local.set $c00 (v128.load (local.get $pb))) (local.set $c01 (v128.load offset=16 (local.get $pb)))
            (local.set $pb (i32.add (local.get $pb) (local.get $ldb)))
            (local.set $c10 (v128.load (local.get $pb))) (local.set $c11 (v128.load offset=16 (local.get $pb)))
            (local.set $pb (i32.add (local.get $pb) (local.get $ldb)))
            (local.set $c20 (v128.load (local.get $pb))) (local.set $c21 (v128.load offset=16 (local.get $pb)))
            (local.set $pb (i32.add (local.get $pb) (local.get $ldb)))
            (local.set $c30 (v128.load (local.get $pb))) (local.set $c31 (v128.load offset=16 (local.get $pb))))
          (else
            (local.set $c00 (v128.const i32x4 0 0 0 0)) (local.set $c01 (v128.const i32x4 0 0 0 0))
            (local.set $c10 (v128.const i32x4 0 0 0 0)) (local.set $c11 (v128.const i32x4 0 0 0 0))
            (local.set $c20 (v128.const i32x4 0 0 0 0)) (local.set $c21 (v128.const i32x4 0 0 0 0))
            (local.set $c30 (v128.const i32x4 0 0 0 0)) (local.set $c31 (v128.const i32x4 0 0 0 0))))
        (local.set $pa (local.get $a))
        (local.set $aend (i32.add (local.get $a) (i32.mul (local.get $k) (local.get $ak))))
        (local.set $pb (i32.add (local.get $b) (local.get $j)))
        (block $kdone
          (loop $kloop
            (br_if $kdone (i32.ge_u (local.get $pa) (local.get $aend)))
            (local.set $b0 (v128.load (local.get $pb)))
            (local.set $b1 (v128.load offset=16 (local.get $pb)))
            (local.set $s (v128.load32_splat (local.get $pa)))
            (local.set $c00 (f32x4.add (local.get $c00) (f32x4.mul (local.get $s) (local.get $b0))))
            (local.set $c01 (f32x4.add (local.get $c01) (f32x4.mul (local.get $s) (local.get $b1))))
            (local.set $s (v128.load32_splat (i32.add (local.get $pa) (local.get $lda))))
            (local.set $c10 (f32x4.add (local.get $c10) (f32x4.mul (local.get $s) (local.get $b0))))
            (local.set $c11 (f32x4.add (local.get $c11) (f32x4.mul (local.get $s) (local.get $b1))))
            (local.set $s (v128.load32_splat (i32.add (local.get $pa) (local.get $a2))))
            (local.set $c20 (f32x4.add (local.get $c20) (f32x4.mul (local.get $s) (local.get $b0))))
            (local.set $c21 (f32x4.add (local.get $c21) (f32x4.mul (local.get $s) (local.get $b1))))
            (local.set $s (v128.load32_splat (i32.add (local.get $pa) (local.get $a3))))
            (local.set $c30 (f32x4.add (local.get $c30) (f32x4.mul (local.get $s) (local.get $b0))))
            (local.set $c31 (f32x4.add (local.get $c31) (f32x4.mul (local.get $s) (local.get $b1))))
            (local.set $pa (i32.add (local.get $pa) (local.get $ak)))
            (local.set $pb (i32.add (local.get $pb) (local.get $ldb)))
            (br $kloop)))
        (local.set $pb (i32.add (local.get $c) (local.get $j)))
        (v128.store (local.get $pb) (local.get $c00))
        (v128.store offset=16 (local.get $pb) (local.get $c01))
        (local.set $pb (i32.add (local.get $pb) (local.get $ldb)))
        (v128.store (local.get $pb) (local.get $c10))
        (v128.store offset=16 (local.get $pb) (local.get $c11))
        (local.set $pb (i32.add (local.get $pb) (local.get $ldb)))
        (v128.store (local.get $pb) (local.get $c20))
        (v128.store offset=16 (local.get $pb) (local.get $c21))
        (local.set $pb (i32.add (local.get $pb) (local.get $ldb)))
        (v128.store (local.get $pb) (local.get $c30))
        (v128.store offset=16 (local.get $pb) (local.get $c31))
        (local.set $j (i32.add (local.get $j) (i32.const 32)))
        (br $cols8)))
    ;; then 4 columns
    (local.set $jend (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2)))
    (block $done4
      (loop $cols4
        (br_if $done4 (i32.ge_u (local.get $j) (local.get $jend)))
        (if (global.get $accumulate)
          (then
            (local.set $pb (i32.add (local.get $c) (local.get $j)))
            (local.set $c00 (v128.load (local.get $pb)))
            (local.set $pb (i32.add (local.get $pb) (local.get $ldb)))
            (local.set $c10 (v128.load (local.get $pb)))
            (local.set $pb (i32.add (local.get $pb) (local.get $ldb)))
            (local.set $c20 (v128.load (local.get $pb)))
            (local.set $pb (i32.add (local.get $pb) (local.get $ldb)))
            (local.set $c30 (v128.load (local.get $pb))))
          (else
            (local.set $c00 (v128.const i32x4 0 0 0 0)) (local.set $c10 (v128.const i32x4 0 0 0 0))
            (local.set $c20 (v128.const i32x4 0 0 0 0)) (local.set $c30 (v128.const i32x4 0 0 0 0))))
        (local.set $pa (local.get $a))
        (local.set $aend (i32.add (local.get $a) (i32.mul (local.get $k) (local.get $ak))))
        (local.set $pb (i32.add (local.get $b) (local.get $j)))
        (block $kdone
          (loop $kloop
            (br_if $kdone (i32.ge_u (local.get $pa) (local.get $aend)))
            (local.set $b0 (v128.load (local.get $pb)))
            (local.set $c00 (f32x4.add (local.get $c00) (f32x4.mul (v128.load32_splat (local.get $pa)) (local.get $b0))))
            (local.set $c10 (f32x4.add (local.get $c10)
              (f32x4.mul (v128.load32_splat (i32.add (local.get $pa) (local.get $lda))) (local.get $b0))))
            (local.set $c20 (f32x4.add (local.get $c20)
              (f32x4.mul (v128.load32_splat (i32.add (local.get $pa) (local.get $a2))) (local.get $b0))))
            (local.set $c30 (f32x4.add (local.get $c30)
              (f32x4.mul (v128.load32_splat (i32.add (local.get $pa) (local.get $a3))) (local.get $b0))))
            (local.set $pa (i32.add (local.get $pa) (local.get $ak)))
            (local.set $pb (i32.add (local.get $pb) (local.get $ldb)))
            (br $kloop)))
        (local.set $pb (i32.add (local.get $c) (local.get $j)))
        (v128.store (local.get $pb) (local.get $c00))
        (local.set $pb (i32.add (local.get $pb) (local.get $ldb)))
        (v128.store (local.get $pb) (local.get $c10))
        (local.set $pb (i32.add (local.get $pb) (local.get $ldb)))
        (v128.store (local.get $pb) (local.get $c20))
        (local.set $pb (i32.add (local.get $pb) (local.get $ldb)))
        (v128.store (local.get $pb) (local.get $c30))
        (local.set $j (i32.add (local.get $j) (i32.const 16)))
        (br $cols4)))
    ;; then one column at a time
    (local.set $jend (i32.shl (local.get $n) (i32.const 2)))
    (block $done1
      (loop $cols1
        (br_if $done1 (i32.ge_u (local.get $j) (local.get $jend)))
        (if (global.get $accumulate)
          (then
            (local.set $pb (i32.add (local.get $c) (local.get $j)))
            (local.set $x0 (f32.load (local.get $pb)))
            (local.set $pb (i32.add (local.get $pb) (local.get $ldb)))
            (local.set $x1 (f32.load (local.get $pb)))
            (local.set $pb (i32.add (local.get $pb) (local.get $ldb)))
            (local.set $x2 (f32.load (local.get $pb)))
            (local.set $pb (i32.add (local.get $pb) (local.get $ldb)))
            (local.set $x3 (f32.load (local.get $pb))))
          (else
            (local.set $x0 (f32.const 0)) (local.set $x1 (f32.const 0))
            (local.set $x2 (f32.const 0)) (local.set $x3 (f32.const 0))))
        (local.set $pa (local.get $a))
        (local.set $aend (i32.add (local.get $a) (i32.mul (local.get $k) (local.get $ak))))
        (local.set $pb (i32.add (local.get $b) (local.get $j)))
        (block $kdone
          (loop $kloop
            (br_if $kdone (i32.ge_u (local.get $pa) (local.get $aend)))
            (local.set $bs (f32.load (local.get $pb)))
            (local.set $x0 (f32.add (local.get $x0) (f32.mul (f32.load (local.get $pa)) (local.get $bs))))
            (local.set $x1 (f32.add (local.get $x1)
              (f32.mul (f32.load (i32.add (local.get $pa) (local.get $lda))) (local.get $bs))))
            (local.set $x2 (f32.add (local.get $x2)
              (f32.mul (f32.load (i32.add (local.get $pa) (local.get $a2))) (local.get $bs))))
            (local.set $x3 (f32.add (local.get $x3)
              (f32.mul (f32.load (i32.add (local.get $pa) (local.get $a3))) (local.get $bs))))
            (local.set $pa (i32.add (local.get $pa) (local.get $ak)))
            (local.set $pb (i32.add (local.get $pb) (local.get $ldb)))
            (br $kloop)))
        (local.set $pb (i32.add (local.get $c) (local.get $j)))
        (f32.store (local.get $pb) (local.get $x0))
        (local.set $pb (i32.add (local.get $pb) (local.get $ldb)))
        (f32.store (local.get $pb) (local.get $x1))
        (local.set $pb (i32.add (local.get $pb) (local.get $ldb)))
        (f32.store (local.get $pb) (local.get $x2))
        (local.set $pb (i32.add (local.get $pb) (local.get $ldb)))
        (f32.store (local.get $pb) (local.get $x3))
        (local.set $j (i32.add (local.get $j) (i32.const 4)))
        (br $cols1))))

  ;; One row of C (the rows left over after the fours); $ak is A's k stride in bytes.
  (func $gemm_row
    (param $a i32) (param $b i32) (param $c i32) (param $k i32) (param $n i32) (param $ak i32)
    (local $ldb i32) (local $j i32) (local $jend i32) (local $pa i32) (local $pb i32) (local $aend i32)
    (local $acc v128) (local $x f32)
    (local.set $ldb (i32.shl (local.get $n) (i32.const 2)))
    (local.set $aend (i32.add (local.get $a) (i32.mul (local.get $k) (local.get $ak))))
    (local.set $jend (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2)))
    (block $done4
      (loop $cols4
        (br_if $done4 (i32.ge_u (local.get $j) (local.get $jend)))
        (local.set $acc (select (v128.load (i32.add (local.get $c) (local.get $j))) (v128.const i32x4 0 0 0 0)
          (global.get $accumulate)))
        (local.set $pa (local.get $a))
        (local.set $pb (i32.add (local.get $b) (local.get $j)))
        (block $kdone
          (loop $kloop
            (br_if $kdone (i32.ge_u (local.get $pa) (local.get $aend)))
            (local.set $acc (f32x4.add (local.get $acc)
              (f32x4.mul (v128.load32_splat (local.get $pa)) (v128.load (local.get $pb)))))
            (local.set $pa (i32.add (local.get $pa) (local.get $ak)))
            (local.set $pb (i32.add (local.get $pb) (local.get $ldb)))
            (br $kloop)))
        (v128.store (i32.add (local.get $c) (local.get $j)) (local.get $acc))
        (local.set $j (i32.add (local.get $j) (i32.const 16)))
        (br $cols4)))
    (local.set $jend (i32.shl (local.get $n) (i32.const 2)))
    (block $done1
      (loop $cols1
        (br_if $done1 (i32.ge_u (local.get $j) (local.get $jend)))
        (local.set $x (select (f32.load (i32.add (local.get $c) (local.get $j))) (f32.const 0) (global.get $accumulate)))
        (local.set $pa (local.get $a))
        (local.set $pb (i32.add (local.get $b) (local.get $j)))
        (block $kdone
          (loop $kloop
            (br_if $kdone (i32.ge_u (local.get $pa) (local.get $aend)))
            (local.set $x (f32.add (local.get $x) (f32.mul (f32.load (local.get $pa)) (f32.load (local.get $pb)))))
            (local.set $pa (i32.add (local.get $pa) (local.get $ak)))
            (local.set $pb (i32.add (local.get $pb) (local.get $ldb)))
            (br $kloop)))
        (f32.store (i32.add (local.get $c) (local.get $j)) (local.get $x))
        (local.set $j (i32.add (local.get $j) (i32.const 4)))
        (br $cols1))))

  ;; Row t of a tile of 4 starting at row $i of $rows: min($i + t, $rows - 1)
  ;; (a last partial tile repeats its last row: it computes it again and
  ;; stores the same bits again).
  (func $tile_row (param $i i32) (param $t i32) (param $rows i32) (result i32)
    (select (i32.add (local.get $i) (local.get $t)) (i32.sub (local.get $rows) (i32.const 1))
      (i32.lt_u (i32.add (local.get $i) (local.get $t)) (local.get $rows))))

  ;; A stride-1 'same' convolution's outputs on a zero-framed input (see
  ;; kernels/conv-gemm.ts): C [m, n] = A*B for B [segs*seglen, n] row-major,
  ;; row i of A being $segs runs of $seglen floats, the first at byte
  ;; $frame + table[i] (table: i32), each next one $segstride bytes on (the
  ;; kernel's rows). Each element is the sum over its row of A in order, a
  ;; product then an add in float32, from zero: the additions of gemm over
  ;; the first run then gemm_acc over each next, so the same bits, without
  ;; C's stores and loads between runs and with only output rows computed.
  ;; Tiles of 4 rows by 8 columns, then 4: n must be a multiple of 4.
  (func (export "conv_rows")
    (param $frame i32) (param $table i32) (param $b i32) (param $c i32) (param $m i32) (param $n i32)
    (param $segs i32) (param $seglen i32) (param $segstride i32)
    (local $i i32) (local $ldb i32) (local $segb i32) (local $jump i32) (local $j i32) (local $j8 i32)
    (local $q i32) (local $qend i32) (local $s i32) (local $pb i32)
    (local $p0 i32) (local $p1 i32) (local $p2 i32) (local $p3 i32)
    (local $r0 i32) (local $r1 i32) (local $r2 i32) (local $r3 i32)
    (local $b0 v128) (local $b1 v128) (local $x v128)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128) (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (local.set $ldb (i32.shl (local.get $n) (i32.const 2)))
    (local.set $segb (i32.shl (local.get $seglen) (i32.const 2)))
    (local.set $jump (i32.sub (local.get $segstride) (local.get $segb)))
    (local.set $j8 (i32.shl (i32.and (local.get $n) (i32.const -8)) (i32.const 2)))
    (block $idone
      (loop $iloop
        (br_if $idone (i32.ge_u (local.get $i) (local.get $m)))
        (local.set $r0 (call $tile_row (local.get $i) (i32.const 0) (local.get $m)))
        (local.set $p0 (i32.add (local.get $frame)
          (i32.load (i32.add (local.get $table) (i32.shl (local.get $r0) (i32.const 2))))))
        (local.set $r0 (i32.add (local.get $c) (i32.mul (local.get $r0) (local.get $ldb))))
        (local.set $r1 (call $tile_row (local.get $i) (i32.const 1) (local.get $m)))
        (local.set $p1 (i32.add (local.get $frame)
          (i32.load (i32.add (local.get $table) (i32.shl (local.get $r1) (i32.const 2))))))
        (local.set $r1 (i32.add (local.get $c) (i32.mul (local.get $r1) (local.get $ldb))))
        (local.set $r2 (call $tile_row (local.get $i) (i32.const 2) (local.get $m)))
        (local.set $p2 (i32.add (local.get $frame)
          (i32.load (i32.add (local.get $table) (i32.shl (local.get $r2) (i32.const 2))))))
        (local.set $r2 (i32.add (local.get $c) (i32.mul (local.get $r2) (local.get $ldb))))
        (local.set $r3 (call $tile_row (local.get $i) (i32.const 3) (local.get $m)))
        (local.set $p3 (i32.add (local.get $frame)
          (i32.load (i32.add (local.get $table) (i32.shl (local.get $r3) (i32.const 2))))))
        (local.set $r3 (i32.add (local.get $c) (i32.mul (local.get $r3) (local.get $ldb))))
        (local.set $j (i32.const 0))
        (block $done8
          (loop $cols8
            (br_if $done8 (i32.ge_u (local.get $j) (local.get $j8)))
            (local.set $c00 (v128.const i32x4 0 0 0 0)) (local.set $c01 (v128.const i32x4 0 0 0 0)) (local.set $c10 (v128.const i32x4 0 0 0 0)) (local.set $c11 (v128.const i32x4 0 0 0 0)) (local.set $c20 (v128.const i32x4 0 0 0 0)) (local.set $c21 (v128.const i32x4 0 0 0 0)) (local.set $c30 (v128.const i32x4 0 0 0 0)) (local.set $c31 (v128.const i32x4 0 0 0 0))
            (local.set $pb (i32.add (local.get $b) (local.get $j)))
            (local.set $q (i32.const 0))
            (local.set $s (i32.const 0))
            (block $sdone
              (loop $sloop
                (br_if $sdone (i32.ge_u (local.get $s) (local.get $segs)))
                (local.set $qend (i32.add (local.get $q) (local.get $segb)))
                (block $kdone
                  (loop $kloop
                    (br_if $kdone (i32.ge_u (local.get $q) (local.get $qend)))
                    (local.set $b0 (v128.load (local.get $pb)))
                    (local.set $b1 (v128.load offset=16 (local.get $pb)))
                    (local.set $x (v128.load32_splat (i32.add (local.get $p0) (local.get $q))))
                    (local.set $c00 (f32x4.add (local.get $c00) (f32x4.mul (local.get $x) (local.get $b0))))
                    (local.set $c01 (f32x4.add (local.get $c01) (f32x4.mul (local.get $x) (local.get $b1))))
                    (local.set $x (v128.load32_splat (i32.add (local.get $p1) (local.get $q))))
                    (local.set $c10 (f32x4.add (local.get $c10) (f32x4.mul (local.get $x) (local.get $b0))))
                    (local.set $c11 (f32x4.add (local.get $c11) (f32x4.mul (local.get $x) (local.get $b1))))
                    (local.set $x (v128.load32_splat (i32.add (local.get $p2) (local.get $q))))
                    (local.set $c20 (f32x4.add (local.get $c20) (f32x4.mul (local.get $x) (local.get $b0))))
                    (local.set $c21 (f32x4.add (local.get $c21) (f32x4.mul (local.get $x) (local.get $b1))))
                    (local.set $x (v128.load32_splat (i32.add (local.get $p3) (local.get $q))))
                    (local.set $c30 (f32x4.add (local.get $c30) (f32x4.mul (local.get $x) (local.get $b0))))
                    (local.set $c31 (f32x4.add (local.get $c31) (f32x4.mul (local.get $x) (local.get $b1))))
                    (local.set $q (i32.add (local.get $q) (i32.const 4)))
                    (local.set $pb (i32.add (local.get $pb) (local.get $ldb)))
                    (br $kloop)))
                (local.set $q (i32.add (local.get $qend) (local.get $jump)))
                (local.set $s (i32.add (local.get $s) (i32.const 1)))
                (br $sloop)))
            (v128.store (i32.add (local.get $r0) (local.get $j)) (local.get $c00)) (v128.store offset=16 (i32.add (local.get $r0) (local.get $j)) (local.get $c01))
            (v128.store (i32.add (local.get $r1) (local.get $j)) (local.get $c10)) (v128.store offset=16 (i32.add (local.get $r1) (local.get $j)) (local.get $c11))
            (v128.store (i32.add (local.get $r2) (local.get $j)) (local.get $c20)) (v128.store offset=16 (i32.add (local.get $r2) (local.get $j)) (local.get $c21))
            (v128.store (i32.add (local.get $r3) (local.get $j)) (local.get $c30)) (v128.store offset=16 (i32.add (local.get $r3) (local.get $j)) (local.get $c31))
            (local.set $j (i32.add (local.get $j) (i32.const 32)))
            (br $cols8)))
        (if (i32.lt_u (local.get $j) (local.get $ldb))
          (then
            (local.set $c00 (v128.const i32x4 0 0 0 0)) (local.set $c10 (v128.const i32x4 0 0 0 0)) (local.set $c20 (v128.const i32x4 0 0 0 0)) (local.set $c30 (v128.const i32x4 0 0 0 0))
            (local.set $pb (i32.add (local.get $b) (local.get $j)))
            (local.set $q (i32.const 0))
            (local.set $s (i32.const 0))
            (block $sdone
              (loop $sloop
                (br_if $sdone (i32.ge_u (local.get $s) (local.get $segs)))
                (local.set $qend (i32.add (local.get $q) (local.get $segb)))
                (block $kdone
                  (loop $kloop
                    (br_if $kdone (i32.ge_u (local.get $q) (local.get $qend)))
                    (local.set $b0 (v128.load (local.get $pb)))
                    (local.set $c00 (f32x4.add (local.get $c00) (f32x4.mul (v128.load32_splat (i32.add (local.get $p0) (local.get $q))) (local.get $b0))))
                    (local.set $c10 (f32x4.add (local.get $c10) (f32x4.mul (v128.load32_splat (i32.add (local.get $p1) (local.get $q))) (local.get $b0))))
                    (local.set $c20 (f32x4.add (local.get $c20) (f32x4.mul (v128.load32_splat (i32.add (local.get $p2) (local.get $q))) (local.get $b0))))
                    (local.set $c30 (f32x4.add (local.get $c30) (f32x4.mul (v128.load32_splat (i32.add (local.get $p3) (local.get $q))) (local.get $b0))))
                    (local.set $q (i32.add (local.get $q) (i32.const 4)))
                    (local.set $pb (i32.add (local.get $pb) (local.get $ldb)))
                    (br $kloop)))
                (local.set $q (i32.add (local.get $qend) (local.get $jump)))
                (local.set $s (i32.add (local.get $s) (i32.const 1)))
                (br $sloop)))
            (v128.store (i32.add (local.get $r0) (local.get $j)) (local.get $c00))
            (v128.store (i32.add (local.get $r1) (local.get $j)) (local.get $c10))
            (v128.store (i32.add (local.get $r2) (local.get $j)) (local.get $c20))
            (v128.store (i32.add (local.get $r3) (local.get $j)) (local.get $c30))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $iloop))))

  ;; The weight gradient of conv_rows's convolution: for i over the kernel's
  ;; $kk taps and channels and o over $n outputs, out[i][o] = (out's value
  ;; with $acc, else zero) plus the sum over r < $rows in order of
  ;; A(r, i)*dy[r][o], a product then an add in float32, A(r, i) being the
  ;; float at byte $frame + table[r] + (i / seglen)*segstride + (i % seglen)*4.
  ;; Tiles of 4 i (a last partial tile repeats its last) by 8 columns, then 4.
  (func (export "conv_filter_rows")
    (param $frame i32) (param $table i32) (param $dy i32) (param $out i32) (param $rows i32) (param $kk i32)
    (param $n i32) (param $seglen i32) (param $segstride i32) (param $acc i32)
    (local $i i32) (local $ldb i32) (local $j i32) (local $j8 i32) (local $pt i32) (local $tend i32)
    (local $pr i32) (local $pb i32) (local $t i32)
    (local $q0 i32) (local $q1 i32) (local $q2 i32) (local $q3 i32)
    (local $o0 i32) (local $o1 i32) (local $o2 i32) (local $o3 i32)
    (local $b0 v128) (local $b1 v128) (local $x v128)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128) (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (local.set $ldb (i32.shl (local.get $n) (i32.const 2)))
    (local.set $j8 (i32.shl (i32.and (local.get $n) (i32.const -8)) (i32.const 2)))
    (local.set $tend (i32.add (local.get $table) (i32.shl (local.get $rows) (i32.const 2))))
    (block $idone
      (loop $iloop
        (br_if $idone (i32.ge_u (local.get $i) (local.get $kk)))
        (local.set $t (call $tile_row (local.get $i) (i32.const 0) (local.get $kk)))
        (local.set $q0 (i32.add
          (i32.mul (i32.div_u (local.get $t) (local.get $seglen)) (local.get $segstride))
          (i32.shl (i32.rem_u (local.get $t) (local.get $seglen)) (i32.const 2))))
        (local.set $o0 (i32.add (local.get $out) (i32.mul (local.get $t) (local.get $ldb))))
        (local.set $t (call $tile_row (local.get $i) (i32.const 1) (local.get $kk)))
        (local.set $q1 (i32.add
          (i32.mul (i32.div_u (local.get $t) (local.get $seglen)) (local.get $segstride))
          (i32.shl (i32.rem_u (local.get $t) (local.get $seglen)) (i32.const 2))))
        (local.set $o1 (i32.add (local.get $out) (i32.mul (local.get $t) (local.get $ldb))))
        (local.set $t (call $tile_row (local.get $i) (i32.const 2) (local.get $kk)))
        (local.set $q2 (i32.add
          (i32.mul (i32.div_u (local.get $t) (local.get $seglen)) (local.get $segstride))
          (i32.shl (i32.rem_u (local.get $t) (local.get $seglen)) (i32.const 2))))
        (local.set $o2 (i32.add (local.get $out) (i32.mul (local.get $t) (local.get $ldb))))
        (local.set $t (call $tile_row (local.get $i) (i32.const 3) (local.get $kk)))
        (local.set $q3 (i32.add
          (i32.mul (i32.div_u (local.get $t) (local.get $seglen)) (local.get $segstride))
          (i32.shl (i32.rem_u (local.get $t) (local.get $seglen)) (i32.const 2))))
        (local.set $o3 (i32.add (local.get $out) (i32.mul (local.get $t) (local.get $ldb))))
        (local.set $j (i32.const 0))
        (block $done8
          (loop $cols8
            (br_if $done8 (i32.ge_u (local.get $j) (local.get $j8)))
            (if (local.get $acc)
              (then
                (local.set $c00 (v128.load (i32.add (local.get $o0) (local.get $j)))) (local.set $c01 (v128.load offset=16 (i32.add (local.get $o0) (local.get $j))))
                (local.set $c10 (v128.load (i32.add (local.get $o1) (local.get $j)))) (local.set $c11 (v128.load offset=16 (i32.add (local.get $o1) (local.get $j))))
                (local.set $c20 (v128.load (i32.add (local.get $o2) (local.get $j)))) (local.set $c21 (v128.load offset=16 (i32.add (local.get $o2) (local.get $j))))
                (local.set $c30 (v128.load (i32.add (local.get $o3) (local.get $j)))) (local.set $c31 (v128.load offset=16 (i32.add (local.get $o3) (local.get $j)))))
              (else (local.set $c00 (v128.const i32x4 0 0 0 0)) (local.set $c01 (v128.const i32x4 0 0 0 0)) (local.set $c10 (v128.const i32x4 0 0 0 0)) (local.set $c11 (v128.const i32x4 0 0 0 0)) (local.set $c20 (v128.const i32x4 0 0 0 0)) (local.set $c21 (v128.const i32x4 0 0 0 0)) (local.set $c30 (v128.const i32x4 0 0 0 0)) (local.set $c31 (v128.const i32x4 0 0 0 0))))
            (local.set $pt (local.get $table))
            (local.set $pb (i32.add (local.get $dy) (local.get $j)))
            (block $rdone
              (loop $rloop
                (br_if $rdone (i32.ge_u (local.get $pt) (local.get $tend)))
                (local.set $pr (i32.add (local.get $frame) (i32.load (local.get $pt))))
                (local.set $b0 (v128.load (local.get $pb)))
                (local.set $b1 (v128.load offset=16 (local.get $pb)))
                (local.set $x (v128.load32_splat (i32.add (local.get $pr) (local.get $q0))))
                (local.set $c00 (f32x4.add (local.get $c00) (f32x4.mul (local.get $x) (local.get $b0))))
                (local.set $c01 (f32x4.add (local.get $c01) (f32x4.mul (local.get $x) (local.get $b1))))
                (local.set $x (v128.load32_splat (i32.add (local.get $pr) (local.get $q1))))
                (local.set $c10 (f32x4.add (local.get $c10) (f32x4.mul (local.get $x) (local.get $b0))))
                (local.set $c11 (f32x4.add (local.get $c11) (f32x4.mul (local.get $x) (local.get $b1))))
                (local.set $x (v128.load32_splat (i32.add (local.get $pr) (local.get $q2))))
                (local.set $c20 (f32x4.add (local.get $c20) (f32x4.mul (local.get $x) (local.get $b0))))
                (local.set $c21 (f32x4.add (local.get $c21) (f32x4.mul (local.get $x) (local.get $b1))))
                (local.set $x (v128.load32_splat (i32.add (local.get $pr) (local.get $q3))))
                (local.set $c30 (f32x4.add (local.get $c30) (f32x4.mul (local.get $x) (local.get $b0))))
                (local.set $c31 (f32x4.add (local.get $c31) (f32x4.mul (local.get $x) (local.get $b1))))
                (local.set $pt (i32.add (local.get $pt) (i32.const 4)))
                (local.set $pb (i32.add (local.get $pb) (local.get $ldb)))
                (br $rloop)))
            (v128.store (i32.add (local.get $o0) (local.get $j)) (local.get $c00)) (v128.store offset=16 (i32.add (local.get $o0) (local.get $j)) (local.get $c01))
            (v128.store (i32.add (local.get $o1) (local.get $j)) (local.get $c10)) (v128.store offset=16 (i32.add (local.get $o1) (local.get $j)) (local.get $c11))
            (v128.store (i32.add (local.get $o2) (local.get $j)) (local.get $c20)) (v128.store offset=16 (i32.add (local.get $o2) (local.get $j)) (local.get $c21))
            (v128.store (i32.add (local.get $o3) (local.get $j)) (local.get $c30)) (v128.store offset=16 (i32.add (local.get $o3) (local.get $j)) (local.get $c31))
            (local.set $j (i32.add (local.get $j) (i32.const 32)))
            (br $cols8)))
        (if (i32.lt_u (local.get $j) (local.get $ldb))
          (then
            (if (local.get $acc)
              (then
                (local.set $c00 (v128.load (i32.add (local.get $o0) (local.get $j))))
                (local.set $c10 (v128.load (i32.add (local.get $o1) (local.get $j))))
                (local.set $c20 (v128.load (i32.add (local.get $o2) (local.get $j))))
                (local.set $c30 (v128.load (i32.add (local.get $o3) (local.get $j)))))
              (else (local.set $c00 (v128.const i32x4 0 0 0 0)) (local.set $c10 (v128.const i32x4 0 0 0 0)) (local.set $c20 (v128.const i32x4 0 0 0 0)) (local.set $c30 (v128.const i32x4 0 0 0 0))))
            (local.set $pt (local.get $table))
            (local.set $pb (i32.add (local.get $dy) (local.get $j)))
            (block $rdone
              (loop $rloop
                (br_if $rdone (i32.ge_u (local.get $pt) (local.get $tend)))
                (local.set $pr (i32.add (local.get $frame) (i32.load (local.get $pt))))
                (local.set $b0 (v128.load (local.get $pb)))
                (local.set $c00 (f32x4.add (local.get $c00) (f32x4.mul (v128.load32_splat (i32.add (local.get $pr) (local.get $q0))) (local.get $b0))))
                (local.set $c10 (f32x4.add (local.get $c10) (f32x4.mul (v128.load32_splat (i32.add (local.get $pr) (local.get $q1))) (local.get $b0))))
                (local.set $c20 (f32x4.add (local.get $c20) (f32x4.mul (v128.load32_splat (i32.add (local.get $pr) (local.get $q2))) (local.get $b0))))
                (local.set $c30 (f32x4.add (local.get $c30) (f32x4.mul (v128.load32_splat (i32.add (local.get $pr) (local.get $q3))) (local.get $b0))))
                (local.set $pt (i32.add (local.get $pt) (i32.const 4)))
                (local.set $pb (i32.add (local.get $pb) (local.get $ldb)))
                (br $rloop)))
            (v128.store (i32.add (local.get $o0) (local.get $j)) (local.get $c00))
            (v128.store (i32.add (local.get $o1) (local.get $j)) (local.get $c10))
            (v128.store (i32.add (local.get $o2) (local.get $j)) (local.get $c20))
            (v128.store (i32.add (local.get $o3) (local.get $j)) (local.get $c30))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $iloop))))

  ;; 2x2 max-pooling, stride 2, of x [N, H, W, C] (C a multiple of 4) as
  ;; $rows = N*H/2 output rows of $wo outputs: y and where [N, H/2, W/2, C],
  ;; where the window position (0..3, row-major) of the first largest, as
  ;; float32. Strictly greater replaces, as the scalar loop.
  (func (export "max_pool2")
    (param $x i32) (param $rows i32) (param $wo i32) (param $c i32) (param $y i32) (param $where i32)
    (local $q i32) (local $j i32) (local $k i32) (local $in i32) (local $p i32) (local $o i32)
    (local $cb i32) (local $rowb i32)
    (local $best v128) (local $at v128) (local $v v128) (local $m v128)
    (local.set $cb (i32.shl (local.get $c) (i32.const 2)))
    (local.set $rowb (i32.shl (i32.mul (local.get $wo) (local.get $cb)) (i32.const 1)))
    (block $qdone
      (loop $qloop
        (br_if $qdone (i32.ge_u (local.get $q) (local.get $rows)))
        (local.set $in (i32.add (local.get $x) (i32.mul (local.get $q) (i32.shl (local.get $rowb) (i32.const 1)))))
        (local.set $j (i32.const 0))
        (block $jdone
          (loop $jloop
            (br_if $jdone (i32.ge_u (local.get $j) (local.get $wo)))
            (local.set $k (i32.const 0))
            (block $kdone
              (loop $kloop
                (br_if $kdone (i32.ge_u (local.get $k) (local.get $cb)))
                (local.set $p (i32.add (local.get $in) (local.get $k)))
                (local.set $best (v128.load (local.get $p)))
                (local.set $at (v128.const f32x4 0 0 0 0))
                (local.set $v (v128.load (i32.add (local.get $p) (local.get $cb))))
                (local.set $m (f32x4.gt (local.get $v) (local.get $best)))
                (local.set $best (v128.bitselect (local.get $v) (local.get $best) (local.get $m)))
                (local.set $at (v128.bitselect (v128.const f32x4 1 1 1 1) (local.get $at) (local.get $m)))
                (local.set $p (i32.add (local.get $p) (local.get $rowb)))
                (local.set $v (v128.load (local.get $p)))
                (local.set $m (f32x4.gt (local.get $v) (local.get $best)))
                (local.set $best (v128.bitselect (local.get $v) (local.get $best) (local.get $m)))
                (local.set $at (v128.bitselect (v128.const f32x4 2 2 2 2) (local.get $at) (local.get $m)))
                (local.set $v (v128.load (i32.add (local.get $p) (local.get $cb))))
                (local.set $m (f32x4.gt (local.get $v) (local.get $best)))
                (local.set $best (v128.bitselect (local.get $v) (local.get $best) (local.get $m)))
                (local.set $at (v128.bitselect (v128.const f32x4 3 3 3 3) (local.get $at) (local.get $m)))
                (v128.store (i32.add (local.get $y) (local.get $o)) (local.get $best))
                (v128.store (i32.add (local.get $where) (local.get $o)) (local.get $at))
                (local.set $o (i32.add (local.get $o) (i32.const 16)))
                (local.set $k (i32.add (local.get $k) (i32.const 16)))
                (br $kloop)))
            (local.set $in (i32.add (local.get $in) (i32.shl (local.get $cb) (i32.const 1))))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $jloop)))
        (local.set $q (i32.add (local.get $q) (i32.const 1)))
        (br $qloop))))

  ;; dx [N, H, W, C] of max_pool2 from dy and where [N, H/2, W/2, C]: each
  ;; gradient to the position where names, zeros at the other three.
  (func (export "max_pool2_back")
    (param $dy i32) (param $where i32) (param $rows i32) (param $wo i32) (param $c i32) (param $dx i32)
    (local $q i32) (local $j i32) (local $k i32) (local $out i32) (local $p i32) (local $o i32)
    (local $cb i32) (local $rowb i32) (local $g v128) (local $w v128)
    (local.set $cb (i32.shl (local.get $c) (i32.const 2)))
    (local.set $rowb (i32.shl (i32.mul (local.get $wo) (local.get $cb)) (i32.const 1)))
    (block $qdone
      (loop $qloop
        (br_if $qdone (i32.ge_u (local.get $q) (local.get $rows)))
        (local.set $out (i32.add (local.get $dx) (i32.mul (local.get $q) (i32.shl (local.get $rowb) (i32.const 1)))))
        (local.set $j (i32.const 0))
        (block $jdone
          (loop $jloop
            (br_if $jdone (i32.ge_u (local.get $j) (local.get $wo)))
            (local.set $k (i32.const 0))
            (block $kdone
              (loop $kloop
                (br_if $kdone (i32.ge_u (local.get $k) (local.get $cb)))
                (local.set $g (v128.load (i32.add (local.get $dy) (local.get $o))))
                (local.set $w (v128.load (i32.add (local.get $where) (local.get $o))))
                (local.set $p (i32.add (local.get $out) (local.get $k)))
                (v128.store (local.get $p)
                  (v128.and (local.get $g) (f32x4.eq (local.get $w) (v128.const f32x4 0 0 0 0))))
                (v128.store (i32.add (local.get $p) (local.get $cb))
                  (v128.and (local.get $g) (f32x4.eq (local.get $w) (v128.const f32x4 1 1 1 1))))
                (local.set $p (i32.add (local.get $p) (local.get $rowb)))
                (v128.store (local.get $p)
                  (v128.and (local.get $g) (f32x4.eq (local.get $w) (v128.const f32x4 2 2 2 2))))
                (v128.store (i32.add (local.get $p) (local.get $cb))
                  (v128.and (local.get $g) (f32x4.eq (local.get $w) (v128.const f32x4 3 3 3 3))))
                (local.set $o (i32.add (local.get $o) (i32.const 16)))
                (local.set $k (i32.add (local.get $k) (i32.const 16)))
                (br $kloop)))
            (local.set $out (i32.add (local.get $out) (i32.shl (local.get $cb) (i32.const 1))))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $jloop)))
        (local.set $q (i32.add (local.get $q) (i32.const 1)))
        (br $qloop))))
)
