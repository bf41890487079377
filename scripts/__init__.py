"""`kzuz`: the Kazakhstan–Uzbekistan Relations Data Package's library and command line.

    import kzuz
    package = kzuz.load(".")            # a package directory, a release zip or a git ref
    report = kzuz.validate(package)     # report.valid, report.problems

Every command is a function of a loaded package (`kzuz.release`, `.site`, `.docs`,
`.diff`); `kzuz.fmt` alone reads leniently, to repair. Every failure it anticipates is a
`kzuz.Failure` carrying Problems; `cli` is the one place it becomes an exit status.
"""
from .load import load
from .package import Package
from .problems import Failure, Problem
from .validate import Report, validate

__all__ = ["Failure", "Package", "Problem", "Report", "load", "validate"]
