from claims.tests.factories import reviewer


def another_lead():
    return reviewer("lead2", lead=True)
