"""Reference values of Student's t from SciPy (Debian's python3-scipy), for the
tests of src/results/tests.ts: the kit's t distribution is stdlib's, and these
are another implementation's. Run: python3 make-t-reference.py > t-reference.json"""
import json
import scipy
from scipy import stats

cdf = [[x, df, float(stats.t.cdf(x, df))] for df in (1, 2, 4, 9, 14, 30) for x in (-3.1, -1.0, 0.0, 0.37, 1.5, 2.2, 4.0)]
quantile = [[p, df, float(stats.t.ppf(p, df))] for df in (1, 2, 4, 9, 14, 30) for p in (0.025, 0.05, 0.9, 0.95, 0.975)]
# Paired tests on fixed differences: one-sided p of mean > 0, and TOST p at a margin.
cases = []
for values, margin in (([0.4, 0.1, 0.3, 0.2, 0.5], 0.6), ([0.012, -0.004, 0.007, 0.001, 0.003, -0.002, 0.009, 0.004, 0.0, 0.006], 0.01)):
    t = stats.ttest_1samp(values, 0.0, alternative='greater')
    lo = stats.ttest_1samp(values, -margin, alternative='greater').pvalue
    hi = stats.ttest_1samp(values, margin, alternative='less').pvalue
    cases.append({'values': values, 'margin': margin, 'pAbove0': float(t.pvalue), 'tost': float(max(lo, hi))})
print(json.dumps({'source': f'scipy {scipy.__version__} stats.t', 'cdf': cdf, 'quantile': quantile, 'paired': cases}, separators=(",", ":")))
