r"""A small quasi-Poisson GLM (log link, offset, prior weights) fitted by IRLS.

The Farrington baseline is refitted for every series and every month, thousands
of times in the calibration benchmark, so it does not go through statsmodels'
formula machinery; ``tests/test_alerts_glm.py`` checks it against
``statsmodels.GLM(..., family=Poisson(), offset=..., var_weights=...)`` with
``scale="X2"`` on the same data.

Model: :math:`\log E[y_i] = \log e_i + x_i^\top\beta`, :math:`\mathrm{Var}(y_i) =
\phi\,E[y_i]`. :math:`\hat\beta` maximises the prior-weighted Poisson likelihood;
:math:`\hat\phi = \sum_i w_i (y_i-\hat\mu_i)^2/\hat\mu_i \,/\, (n_{w>0} - p)`
(Pearson, as R's ``summary.glm`` for ``quasipoisson``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

__all__ = ["GLMFit", "GLMFits", "fit_quasipoisson", "fit_quasipoisson_many"]


@dataclass(frozen=True)
class GLMFit:
    """A fitted quasi-Poisson GLM.

    Attributes
    ----------
    coef : ndarray, shape (p,)
        :math:`\\hat\\beta`.
    cov_unscaled : ndarray, shape (p, p)
        :math:`(X^\\top W X)^{-1}`, ``W = w * mu``; the covariance of
        :math:`\\hat\\beta` is ``dispersion * cov_unscaled``.
    mu : ndarray
        Fitted means (counts, offset included).
    hat : ndarray
        Leverages :math:`h_i`.
    dispersion : float
        Pearson estimate of :math:`\\phi` (not truncated at 1).
    df_resid : int
        Observations with positive weight minus parameters.
    converged : bool
        Whether IRLS met the tolerance.
    """

    coef: np.ndarray
    cov_unscaled: np.ndarray
    mu: np.ndarray
    hat: np.ndarray
    dispersion: float
    df_resid: int
    converged: bool

    def se(self, dispersion: float | None = None) -> np.ndarray:
        """Standard errors of the coefficients (quasi-likelihood scale)."""
        phi = self.dispersion if dispersion is None else dispersion
        return np.sqrt(np.maximum(np.diag(self.cov_unscaled), 0.0) * phi)

    def p_values(self, dispersion: float | None = None) -> np.ndarray:
        """Two-sided *t* p-values of the coefficients (``df_resid`` degrees of freedom)."""
        t = self.coef / self.se(dispersion)
        df = max(self.df_resid, 1)
        return 2.0 * stats.t.sf(np.abs(t), df)

    def predict_eta(self, x: np.ndarray, dispersion: float | None = None) -> tuple[float, float]:
        """Linear predictor (log mean, without offset) at ``x`` and its standard error."""
        phi = self.dispersion if dispersion is None else dispersion
        eta = float(x @ self.coef)
        var = float(x @ self.cov_unscaled @ x) * phi
        return eta, float(np.sqrt(max(var, 0.0)))


def fit_quasipoisson(X: np.ndarray, y: np.ndarray, *, offset: np.ndarray | None = None,
                     weights: np.ndarray | None = None, tol: float = 1e-10,
                     max_iter: int = 60) -> GLMFit:
    """Fit a quasi-Poisson log-linear model by iteratively reweighted least squares.

    Parameters
    ----------
    X : ndarray, shape (n, p)
        Design matrix (include an intercept column yourself).
    y : ndarray, shape (n,)
        Non-negative counts.
    offset : ndarray, optional
        Added to the linear predictor, e.g. ``log(exposure)``.
    weights : ndarray, optional
        Prior weights (Farrington's down-weighting of past outbreaks).
    tol, max_iter
        Convergence on the relative change of the deviance.

    Returns
    -------
    GLMFit

    Examples
    --------
    >>> X = np.ones((4, 1))
    >>> fit = fit_quasipoisson(X, np.array([3.0, 5.0, 4.0, 8.0]), offset=np.log([1, 1, 1, 2]))
    >>> round(float(np.exp(fit.coef[0])), 3)   # total count / total exposure
    4.0
    """
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    n, p = X.shape
    off = np.zeros(n) if offset is None else np.asarray(offset, dtype=float)
    w = np.ones(n) if weights is None else np.asarray(weights, dtype=float)
    # start from the data (as R's poisson()$initialize: mu = y + 0.1)
    mu = y + 0.1
    eta = np.log(mu)
    dev_old = np.inf
    converged = False
    coef = np.zeros(p)
    ridge = 1e-10 * np.eye(p)
    for _ in range(max_iter):
        z = eta - off + (y - mu) / mu
        ww = w * mu
        xtw = X.T * ww
        coef = np.linalg.solve(xtw @ X + ridge, xtw @ z)
        eta = np.clip(X @ coef + off, -40.0, 40.0)
        mu = np.exp(eta)
        dev = 2.0 * float(np.sum(w * (np.where(y > 0, y * np.log(np.where(y > 0, y, 1.0) / mu), 0.0)
                                      - (y - mu))))
        if abs(dev - dev_old) <= tol * (abs(dev) + 0.1):
            converged = True
            break
        dev_old = dev
    ww = w * mu
    xtw = X.T * ww
    cov = np.linalg.pinv(xtw @ X)
    hat = np.einsum("ij,jk,ik->i", X, cov, X) * ww
    df = int(np.sum(w > 0)) - p
    pearson = float(np.sum(w * (y - mu) ** 2 / mu))
    disp = pearson / df if df > 0 else float("nan")
    return GLMFit(coef=coef, cov_unscaled=cov, mu=mu, hat=hat, dispersion=disp, df_resid=df,
                  converged=converged and bool(np.all(np.isfinite(coef))))


@dataclass(frozen=True)
class GLMFits:
    """Quasi-Poisson fits of many series on one design (:func:`fit_quasipoisson_many`).

    Arrays have a leading series axis; rows a series does not use have weight 0
    (and ``mu``, ``hat`` there mean nothing).
    """

    coef: np.ndarray          # (S, p)
    cov_unscaled: np.ndarray  # (S, p, p)
    mu: np.ndarray            # (S, n)
    hat: np.ndarray           # (S, n)
    dispersion: np.ndarray    # (S,)
    df_resid: np.ndarray      # (S,)
    converged: np.ndarray     # (S,) bool

    def one(self, i: int, rows: np.ndarray) -> GLMFit:
        """Series ``i`` as a :class:`GLMFit` over its own ``rows``."""
        return GLMFit(self.coef[i], self.cov_unscaled[i], self.mu[i, rows], self.hat[i, rows],
                      float(self.dispersion[i]), int(self.df_resid[i]), bool(self.converged[i]))


def fit_quasipoisson_many(X: np.ndarray, Y: np.ndarray, weights: np.ndarray, *,
                          tol: float = 1e-10, max_iter: int = 60) -> GLMFits:
    """:func:`fit_quasipoisson` for many series sharing one design matrix, in one pass.

    Parameters
    ----------
    X : ndarray, shape (n, p)
        The design, common to every series (no offset: exposures of 1).
    Y : ndarray, shape (S, n)
        Counts; anything (e.g. 0) where the weight is 0.
    weights : ndarray, shape (S, n)
        Prior weights; 0 marks a row the series does not have.

    Each series follows exactly the iterations of its own IRLS (it stops when its
    own deviance has converged), so the fits agree with :func:`fit_quasipoisson` on
    each series' rows to rounding (the sums run in a different order).

    Examples
    --------
    >>> X = np.ones((4, 1))
    >>> Y = np.array([[3.0, 5.0, 4.0, 8.0], [1.0, 0.0, 2.0, 0.0]])
    >>> W = np.array([[1.0, 1, 1, 1], [1, 1, 1, 0]])
    >>> np.exp(fit_quasipoisson_many(X, Y, W).coef[:, 0]).round(3).tolist()
    [5.0, 1.0]
    """
    X = np.asarray(X, dtype=float)
    w = np.asarray(weights, dtype=float)
    y = np.where(w > 0, np.asarray(Y, dtype=float), 0.0)
    S, n = y.shape
    p = X.shape[1]
    mu = y + 0.1
    eta = np.log(mu)
    coef = np.zeros((S, p))
    dev_old = np.full(S, np.inf)
    active = np.ones(S, dtype=bool)
    done = np.zeros(S, dtype=bool)
    ridge = 1e-10 * np.eye(p)
    pos = y > 0
    ylog = np.where(pos, y, 1.0)
    for _ in range(max_iter):
        a = np.flatnonzero(active)
        if not len(a):
            break
        ya, mua, etaa, wa = y[a], mu[a], eta[a], w[a]
        z = etaa + (ya - mua) / mua
        ww = wa * mua
        A = np.einsum("np,sn,nq->spq", X, ww, X) + ridge
        b = np.einsum("np,sn->sp", X, ww * z)
        ca = np.linalg.solve(A, b[..., None])[..., 0]
        etaa = np.clip(ca @ X.T, -40.0, 40.0)
        mua = np.exp(etaa)
        dev = 2.0 * np.sum(wa * (np.where(pos[a], ya * np.log(ylog[a] / mua), 0.0)
                                 - (ya - mua)), axis=1)
        conv = np.abs(dev - dev_old[a]) <= tol * (np.abs(dev) + 0.1)
        coef[a], eta[a], mu[a], dev_old[a] = ca, etaa, mua, dev
        done[a[conv]] = True
        active[a[conv]] = False
    ww = w * mu
    cov = np.linalg.pinv(np.einsum("np,sn,nq->spq", X, ww, X))
    hat = np.einsum("np,spq,nq->sn", X, cov, X) * ww
    df = np.sum(w > 0, axis=1) - p
    pearson = np.sum(w * (y - mu) ** 2 / mu, axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        disp = np.where(df > 0, pearson / np.where(df > 0, df, 1), np.nan)
    return GLMFits(coef, cov, mu, hat, disp, df,
                   done & np.all(np.isfinite(coef), axis=1))
