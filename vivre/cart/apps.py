from django.apps import AppConfig


class CartConfig(AppConfig):
    name = "vivre.cart"
    label = "cart"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in, user_logged_out

        from . import signals

        user_logged_in.connect(signals.bring_guest_bag_along, dispatch_uid="cart.merge_at_sign_in")
        user_logged_out.connect(
            signals.leave_bag_with_account, dispatch_uid="cart.forget_at_sign_out"
        )
