"""A Rasa component of this project, loaded by the Rasa server (not by the app).

Rasa's LogisticRegressionClassifier fixes scikit-learn's regularisation at C=1. With about
thirty intents and short answers, that spreads the probability so thinly that most
correctly read answers stay below the survey's 0.80 bar and are confirmed with buttons.
This subclass lets config.yml set C (see the comment there for how it was chosen). The
module is imported by its path, so Rasa must run from the repository root (scripts/setup-nlu
trains from there; the server and the Procfile run from there).
"""

from typing import Any, Dict, Text

from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True)
class TunedLogisticRegression(LogisticRegressionClassifier):
    """Rasa's logistic regression intent classifier with a configurable C."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        """Return Rasa's defaults plus C (inverse regularisation strength)."""
        return {**LogisticRegressionClassifier.get_default_config(), "C": 1.0}

    def __init__(
        self,
        config: Dict[Text, Any],
        name: Text,
        model_storage: ModelStorage,
        resource: Resource,
    ) -> None:
        super().__init__(config, name, model_storage, resource)
        self.clf.set_params(C=float(self.config["C"]))

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "TunedLogisticRegression":
        """Create an untrained component."""
        return cls(config, execution_context.node_name, model_storage, resource)
