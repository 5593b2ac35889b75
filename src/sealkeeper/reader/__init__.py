"""The judgment reader (issue 9): a synthetic corpus of Chinese judgments and a small model that proposes the
facts the rules need (charge and article, sentence, dates, juvenile). Pure: numpy and scikit-learn only, no
store, no service, no Flower, no I/O, no clock. Every proposal is advisory: a person confirms it before use."""
